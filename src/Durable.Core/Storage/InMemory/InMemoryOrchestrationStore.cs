using Durable.Core.History;

namespace Durable.Core.Storage.InMemory;

/// <summary>
/// A store that lives in process memory: for fast engine tests and experiments. One lock makes every method a
/// transaction: it validates first and changes state only once nothing can fail, so a call that throws has
/// changed nothing. Nothing survives the process. Split by concern: instances and client messages here;
/// orchestration work items, activity work items, and queries in the partial files beside it.
/// </summary>
public sealed partial class InMemoryOrchestrationStore : IOrchestrationStore
{
    private readonly object gate = new();
    private readonly TimeProvider time;
    private readonly Dictionary<string, InMemoryInstance> instances = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, InMemoryMessage> inbox = [];
    private readonly SortedDictionary<long, InMemoryTask> tasks = [];
    private long nextSequence;

    /// <summary>Creates an empty store on the given clock.</summary>
    /// <param name="timeProvider">The clock for visibility and leases; a fake one makes expiry testable.</param>
    public InMemoryOrchestrationStore(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.time = timeProvider;
    }

    /// <inheritdoc/>
    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task<CreateInstanceResult> CreateInstanceAsync(NewInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        cancellationToken.ThrowIfCancellationRequested();
        lock (this.gate)
        {
            return Task.FromResult(this.Create(instance));
        }
    }

    /// <inheritdoc/>
    public Task<OrchestrationWorkItem?> CreateLeasedInstanceAsync(NewInstance instance, string owner, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        cancellationToken.ThrowIfCancellationRequested();
        lock (this.gate)
        {
            if (this.Create(instance) == CreateInstanceResult.AlreadyExists)
            {
                return Task.FromResult<OrchestrationWorkItem?>(null);
            }

            // A new instance: no history, and its start message is its only one.
            return Task.FromResult<OrchestrationWorkItem?>(this.Lease(this.instances[instance.InstanceId], owner, leaseDuration, maxMessages: 1, this.time.GetUtcNow(), more: true));
        }
    }

    /// <inheritdoc/>
    public Task<EnqueueResult> EnqueueMessageAsync(string instanceId, HistoryEvent message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        lock (this.gate)
        {
            if (!this.instances.TryGetValue(instanceId, out InMemoryInstance? state))
            {
                return Task.FromResult(EnqueueResult.NotFound);
            }

            if (!InboxRules.Accepts(state.Record.Status, message.EventType))
            {
                return Task.FromResult(EnqueueResult.Gone);
            }

            this.AddMessage(new NewMessage(instanceId, null, message));
            return Task.FromResult(EnqueueResult.Accepted);
        }
    }

    /// <inheritdoc/>
    public Task<EnqueueResult> EnqueueEventAsync(string instanceId, HistoryEvent raised, int maxEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        EventBudget.Check(raised, maxEvents);
        cancellationToken.ThrowIfCancellationRequested();
        lock (this.gate)
        {
            if (!this.instances.TryGetValue(instanceId, out InMemoryInstance? state))
            {
                return Task.FromResult(EnqueueResult.NotFound);
            }

            if (state.Record.Status.IsTerminal())
            {
                return Task.FromResult(EnqueueResult.Gone);
            }

            int used = state.History.Count(e => e.EventType == EventType.EventRaised)
                + this.inbox.Values.Count(m => m.InstanceId == instanceId && m.Event.EventType == EventType.EventRaised);
            if (used >= maxEvents)
            {
                return Task.FromResult(EnqueueResult.LimitReached);
            }

            this.AddMessage(new NewMessage(instanceId, null, raised));
            return Task.FromResult(EnqueueResult.Accepted);
        }
    }

    /// <inheritdoc/>
    public Task<InstanceRecord?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        lock (this.gate)
        {
            return Task.FromResult(this.instances.TryGetValue(instanceId, out InMemoryInstance? state) ? state.Record : null);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        lock (this.gate)
        {
            // A copy: the caller must not see later appends, and must not be able to change the stored list.
            IReadOnlyList<HistoryEvent> history = this.instances.TryGetValue(instanceId, out InMemoryInstance? state) ? [.. state.History] : [];
            return Task.FromResult(history);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private CreateInstanceResult Create(NewInstance instance)
    {
        if (this.instances.TryGetValue(instance.InstanceId, out InMemoryInstance? existing))
        {
            if (!existing.Record.Status.IsTerminal())
            {
                return CreateInstanceResult.AlreadyExists;
            }

            this.Delete(instance.InstanceId);
        }

        InstanceRecord record = new(
            instance.InstanceId,
            instance.ExecutionId,
            instance.Name,
            OrchestrationStatus.Pending,
            instance.Input,
            null,
            null,
            instance.CreatedTime,
            instance.CreatedTime,
            null,
            instance.ParentInstanceId);
        this.instances.Add(instance.InstanceId, new InMemoryInstance(record));
        this.AddMessage(new NewMessage(instance.InstanceId, null, instance.StartEvent));
        return CreateInstanceResult.Created;
    }

    private void Delete(string instanceId)
    {
        this.instances.Remove(instanceId);
        this.RemoveMessages(m => m.InstanceId == instanceId);
        foreach (long sequence in this.tasks.Values.Where(t => t.Task.InstanceId == instanceId).Select(t => t.Sequence).ToList())
        {
            this.tasks.Remove(sequence);
        }
    }

    private void RemoveMessages(Func<InMemoryMessage, bool> match)
    {
        foreach (long sequence in this.inbox.Values.Where(match).Select(m => m.Sequence).ToList())
        {
            this.inbox.Remove(sequence);
        }
    }

    private void AddMessage(NewMessage message)
    {
        // One sequence for messages and tasks, like an identity column: increasing in arrival order.
        long sequence = ++this.nextSequence;
        this.inbox.Add(sequence, new InMemoryMessage(sequence, message.InstanceId, message.ExecutionId, message.Event, message.VisibleTime ?? this.time.GetUtcNow()));
    }
}
