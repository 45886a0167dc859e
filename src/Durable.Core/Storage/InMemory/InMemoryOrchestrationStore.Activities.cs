using Durable.Core.History;

namespace Durable.Core.Storage.InMemory;

/// <summary>Activity work items: lease, complete (result into the orchestration's inbox), abandon, renew.</summary>
public sealed partial class InMemoryOrchestrationStore
{
    /// <inheritdoc/>
    public Task<ActivityWorkItem?> LeaseActivityAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        cancellationToken.ThrowIfCancellationRequested();
        lock (this.gate)
        {
            DateTimeOffset now = this.time.GetUtcNow();
            List<InMemoryTask> leasable = [.. this.tasks.Values
                .Where(t => t.VisibleTime <= now && (t.LeaseOwner is null || t.LeaseExpiration <= now))
                .OrderBy(t => t.VisibleTime)
                .ThenBy(t => t.Sequence)];
            if (leasable.Count == 0)
            {
                return Task.FromResult<ActivityWorkItem?>(null);
            }

            InMemoryTask task = leasable[0];

            task.LeaseOwner = owner;
            task.LeaseToken = LeaseTokens.New();
            task.LeaseExpiration = now + leaseDuration;
            task.DequeueCount++;
            NewActivityTask leased = task.Task with { VisibleTime = task.VisibleTime };
            return Task.FromResult<ActivityWorkItem?>(new ActivityWorkItem(task.Sequence, leased, task.DequeueCount, owner, task.LeaseToken, task.LeaseExpiration) { MoreWorkVisible = leasable.Count > 1 });
        }
    }

    /// <inheritdoc/>
    public Task CompleteActivityAsync(ActivityWorkItem workItem, HistoryEvent result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(result);
        lock (this.gate)
        {
            InMemoryTask task = this.HeldTask(workItem)
                ?? throw new LeaseLostException(
                    $"The lease on activity task {workItem.SequenceNumber} ('{workItem.Task.Name}' for instance '{workItem.Task.InstanceId}') " +
                    $"is no longer held by '{workItem.Owner}': the result was not stored.");
            this.tasks.Remove(task.Sequence);

            // Delivered only to the execution that asked, and only while it can still use it.
            if (this.instances.TryGetValue(task.Task.InstanceId, out InMemoryInstance? state)
                && state.Record.ExecutionId == task.Task.ExecutionId
                && !state.Record.Status.IsTerminal())
            {
                this.AddMessage(new NewMessage(task.Task.InstanceId, task.Task.ExecutionId, result));
            }

            return Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task AbandonActivityAsync(ActivityWorkItem workItem, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        lock (this.gate)
        {
            if (this.tasks.TryGetValue(workItem.SequenceNumber, out InMemoryTask? task) && task.LeaseOwner == workItem.Owner && task.LeaseToken == workItem.LeaseToken)
            {
                task.LeaseOwner = null;
                task.VisibleTime = this.time.GetUtcNow() + retryDelay;
            }

            return Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task<bool> RenewActivityLeaseAsync(ActivityWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        lock (this.gate)
        {
            if (this.HeldTask(workItem) is not { } task)
            {
                return Task.FromResult(false);
            }

            task.LeaseExpiration = workItem.LeaseExpiration = this.time.GetUtcNow() + leaseDuration;
            return Task.FromResult(true);
        }
    }

    private InMemoryTask? HeldTask(ActivityWorkItem workItem) =>
        this.tasks.TryGetValue(workItem.SequenceNumber, out InMemoryTask? task)
            && task.LeaseOwner == workItem.Owner
            && task.LeaseToken == workItem.LeaseToken
            && task.LeaseExpiration > this.time.GetUtcNow()
            ? task
            : null;
}
