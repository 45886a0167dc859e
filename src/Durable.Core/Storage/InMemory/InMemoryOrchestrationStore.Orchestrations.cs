using Durable.Core.History;

namespace Durable.Core.Storage.InMemory;

/// <summary>Orchestration work items: lease, commit (fenced by the lease), abandon, renew.</summary>
public sealed partial class InMemoryOrchestrationStore
{
    /// <inheritdoc/>
    public Task<OrchestrationWorkItem?> LeaseOrchestrationAsync(string owner, TimeSpan leaseDuration, int maxMessages, IReadOnlySet<string> skipInstanceIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(skipInstanceIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        cancellationToken.ThrowIfCancellationRequested();
        lock (this.gate)
        {
            DateTimeOffset now = this.time.GetUtcNow();
            List<InMemoryMessage> leasable = [.. this.inbox.Values
                .Where(m => m.VisibleTime <= now && !this.instances[m.InstanceId].IsLeased(now) && !skipInstanceIds.Contains(m.InstanceId))
                .OrderBy(m => m.VisibleTime)
                .ThenBy(m => m.Sequence)];
            if (leasable.Count == 0)
            {
                return Task.FromResult<OrchestrationWorkItem?>(null);
            }

            InMemoryMessage first = leasable[0];
            bool more = leasable.Exists(m => m.InstanceId != first.InstanceId);
            return Task.FromResult<OrchestrationWorkItem?>(this.Lease(this.instances[first.InstanceId], owner, leaseDuration, maxMessages, now, more));
        }
    }

    /// <inheritdoc/>
    public Task<EnqueuedEvent> EnqueueEventLeasedAsync(string instanceId, HistoryEvent raised, int maxEvents, string owner, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        lock (this.gate)
        {
            // Under the gate both: nothing can lease the instance between the enqueue and this lease.
            EnqueueResult result = this.EnqueueEventAsync(instanceId, raised, maxEvents, cancellationToken).Result;
            DateTimeOffset now = this.time.GetUtcNow();
            bool leasable = this.instances.TryGetValue(instanceId, out InMemoryInstance? state) && this.CanLeaseByName(state, now);
            return Task.FromResult(new EnqueuedEvent(result, leasable ? this.Lease(state!, owner, leaseDuration, maxMessages, now, more: true) : null));
        }
    }

    /// <summary>Whether a lease of this one instance would take it: free, not finished, with visible messages. Under the gate.</summary>
    private bool CanLeaseByName(InMemoryInstance state, DateTimeOffset now) =>
        !state.Record.Status.IsTerminal()
            && !state.IsLeased(now)
            && this.inbox.Values.Any(m => m.InstanceId == state.Record.InstanceId && m.VisibleTime <= now);

    /// <summary>Leases <paramref name="state"/> with up to <paramref name="maxMessages"/> of its visible messages, each counted once more. Under the gate.</summary>
    private OrchestrationWorkItem Lease(InMemoryInstance state, string owner, TimeSpan leaseDuration, int maxMessages, DateTimeOffset now, bool more)
    {
        state.LeaseOwner = owner;
        state.LeaseToken = LeaseTokens.New();
        state.LeaseExpiration = now + leaseDuration;
        List<OrchestrationMessage> messages = [];
        string instanceId = state.Record.InstanceId;
        foreach (InMemoryMessage m in this.inbox.Values.Where(m => m.InstanceId == instanceId && m.VisibleTime <= now).OrderBy(m => m.VisibleTime).ThenBy(m => m.Sequence).Take(maxMessages))
        {
            m.DequeueCount++;
            messages.Add(new OrchestrationMessage(m.Sequence, m.InstanceId, m.ExecutionId, m.Event, m.VisibleTime, m.DequeueCount));
        }

        return new OrchestrationWorkItem(state.Record, [.. state.History], messages, owner, state.LeaseToken, state.LeaseExpiration) { MoreWorkVisible = more };
    }

    /// <inheritdoc/>
    public Task CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(commit);
        lock (this.gate)
        {
            this.Commit(workItem, commit);
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task<OrchestrationWorkItem?> CompleteOrchestrationAndLeaseAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        lock (this.gate)
        {
            InMemoryInstance state = this.Commit(workItem, commit);
            DateTimeOffset now = this.time.GetUtcNow();
            return Task.FromResult(this.CanLeaseByName(state, now) ? this.Lease(state, workItem.Owner, leaseDuration, maxMessages, now, more: true) : null);
        }
    }

    /// <inheritdoc/>
    public Task<bool> CommitIfUnchangedAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(commit);
        lock (this.gate)
        {
            DateTimeOffset now = this.time.GetUtcNow();
            InstanceRecord expected = workItem.Instance;
            if (!this.instances.TryGetValue(expected.InstanceId, out InMemoryInstance? state)
                || state.IsLeased(now)
                || state.Record.ExecutionId != expected.ExecutionId
                || state.Record.Status != expected.Status
                || state.History.Count != workItem.History.Count
                || this.inbox.Values.Any(m => m.InstanceId == expected.InstanceId && m.VisibleTime <= now))
            {
                return Task.FromResult(false);
            }

            state.LeaseOwner = workItem.Owner;
            state.LeaseToken = workItem.LeaseToken;
            state.LeaseExpiration = workItem.LeaseExpiration;
            this.Commit(workItem, commit);
            return Task.FromResult(true);
        }
    }

    /// <summary>Applies the commit and releases the lease, or throws <see cref="LeaseLostException"/> having changed nothing. Under the gate.</summary>
    private InMemoryInstance Commit(OrchestrationWorkItem workItem, OrchestrationCommit commit)
    {
        // Everything below this check succeeds, so a lost lease writes nothing.
        InMemoryInstance state = this.HeldInstance(workItem) ?? throw LeaseLost(workItem);
        InstanceRecord old = state.Record;
        if (commit.ExecutionId != old.ExecutionId)
        {
            // Continue-as-new: the new execution's history replaces the old one.
            state.History.Clear();
        }

        state.History.AddRange(commit.NewHistory);
        bool terminal = commit.Status.IsTerminal();
        state.Record = commit.AppliedTo(old);
        state.LeaseOwner = null;

        // Scoped to this instance: a wrong sequence number in a commit cannot delete another instance's message.
        foreach (long sequence in commit.ConsumedMessages)
        {
            if (this.inbox.TryGetValue(sequence, out InMemoryMessage? consumed) && consumed.InstanceId == old.InstanceId)
            {
                this.inbox.Remove(sequence);
            }
        }

        foreach (NewActivityTask task in commit.ActivityTasks)
        {
            long sequence = ++this.nextSequence;
            this.tasks.Add(sequence, new InMemoryTask(sequence, task, task.VisibleTime ?? this.time.GetUtcNow()) { DequeueCount = task.EarlierAttempts });
        }

        foreach (NewInstance child in commit.NewInstances)
        {
            this.Create(child);
        }

        // Messages to instances that do not exist are dropped; children created above exist.
        foreach (NewMessage message in commit.Messages.Where(m => this.instances.ContainsKey(m.InstanceId)))
        {
            this.AddMessage(message);
        }

        if (terminal)
        {
            // Timers and late results for the finished execution can never be used: don't leave them behind.
            this.RemoveMessages(m => m.InstanceId == old.InstanceId && m.ExecutionId == old.ExecutionId);
        }

        return state;
    }

    /// <inheritdoc/>
    public Task AbandonOrchestrationAsync(OrchestrationWorkItem workItem, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        lock (this.gate)
        {
            // The instance, not its messages, waits out the delay, so message order is kept. An expired lease
            // nobody took is still this lease's to hand back; a lease taken since (by anyone) is not touched.
            if (this.instances.TryGetValue(workItem.Instance.InstanceId, out InMemoryInstance? state)
                && state.LeaseOwner == workItem.Owner
                && state.LeaseToken == workItem.LeaseToken
                && state.Record.ExecutionId == workItem.Instance.ExecutionId)
            {
                state.LeaseOwner = AbandonedOwner;
                state.LeaseExpiration = this.time.GetUtcNow() + retryDelay;
            }

            return Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task<bool> ReleaseOrchestrationLeaseAsync(string instanceId, string owner, long leaseToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        lock (this.gate)
        {
            if (!this.instances.TryGetValue(instanceId, out InMemoryInstance? state) || state.LeaseOwner != owner || state.LeaseToken != leaseToken)
            {
                return Task.FromResult(false);
            }

            state.LeaseOwner = null;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public Task<bool> RenewOrchestrationLeaseAsync(OrchestrationWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        lock (this.gate)
        {
            if (this.HeldInstance(workItem) is not { } state)
            {
                return Task.FromResult(false);
            }

            state.LeaseExpiration = workItem.LeaseExpiration = this.time.GetUtcNow() + leaseDuration;
            return Task.FromResult(true);
        }
    }

    private static LeaseLostException LeaseLost(OrchestrationWorkItem workItem) =>
        new($"The lease on instance '{workItem.Instance.InstanceId}' (execution {workItem.Instance.ExecutionId}) is no longer held by '{workItem.Owner}': nothing was written.");

    /// <summary>
    /// The instance when the work item's lease is live: same owner and token, same execution, not expired. A later
    /// lease of the same owner (after this one expired) is a different lease, and so is the lease of an instance
    /// replaced by a new start while a work item for its old execution was in flight.
    /// </summary>
    private InMemoryInstance? HeldInstance(OrchestrationWorkItem workItem) =>
        this.instances.TryGetValue(workItem.Instance.InstanceId, out InMemoryInstance? state)
            && state.LeaseOwner == workItem.Owner
            && state.LeaseToken == workItem.LeaseToken
            && state.Record.ExecutionId == workItem.Instance.ExecutionId
            && state.LeaseExpiration > this.time.GetUtcNow()
            ? state
            : null;
}
