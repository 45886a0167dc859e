using System.Globalization;
using Durable.Core.History;

namespace Durable.Core.Storage.InMemory;

/// <summary>
/// A store that lives in process memory: for fast engine tests and experiments. One lock makes every
/// method a transaction. Nothing survives the process.
/// </summary>
public sealed class InMemoryOrchestrationStore : IOrchestrationStore
{
    private readonly object gate = new();
    private readonly TimeProvider time;
    private readonly Dictionary<string, InstanceState> instances = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, StoredMessage> inbox = new();
    private readonly SortedDictionary<long, StoredTask> tasks = new();
    private long nextSequence;

    /// <summary>Creates an empty store on the given clock.</summary>
    public InMemoryOrchestrationStore(TimeProvider timeProvider)
    {
        this.time = timeProvider;
    }

    /// <inheritdoc/>
    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task<CreateInstanceResult> CreateInstanceAsync(NewInstance instance, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            return Task.FromResult(this.Create(instance));
        }
    }

    /// <inheritdoc/>
    public Task<EnqueueResult> EnqueueMessageAsync(string instanceId, HistoryEvent message, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            if (!this.instances.TryGetValue(instanceId, out InstanceState? state))
            {
                return Task.FromResult(EnqueueResult.NotFound);
            }

            if (state.Record.Status.IsTerminal())
            {
                return Task.FromResult(EnqueueResult.Gone);
            }

            this.AddMessage(new NewMessage(instanceId, null, message));
            return Task.FromResult(EnqueueResult.Accepted);
        }
    }

    /// <inheritdoc/>
    public Task<InstanceRecord?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            return Task.FromResult(this.instances.TryGetValue(instanceId, out InstanceState? state) ? state.Record : null);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            IReadOnlyList<HistoryEvent> history = this.instances.TryGetValue(instanceId, out InstanceState? state) ? [.. state.History] : [];
            return Task.FromResult(history);
        }
    }

    /// <inheritdoc/>
    public Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken)
    {
        (long ticks, string id)? after = DecodeToken(query.ContinuationToken);
        lock (this.gate)
        {
            List<InstanceRecord> matches = [.. this.instances.Values
                .Select(s => s.Record)
                .Where(r => query.Statuses is null || query.Statuses.Count == 0 || query.Statuses.Contains(r.Status))
                .Where(r => query.CreatedFrom is null || r.CreatedTime >= query.CreatedFrom)
                .Where(r => query.CreatedTo is null || r.CreatedTime <= query.CreatedTo)
                .Where(r => query.InstanceIdPrefix is null || r.InstanceId.StartsWith(query.InstanceIdPrefix, StringComparison.Ordinal))
                .Where(r => after is null || r.CreatedTime.UtcTicks > after.Value.ticks || (r.CreatedTime.UtcTicks == after.Value.ticks && string.CompareOrdinal(r.InstanceId, after.Value.id) > 0))
                .OrderBy(r => r.CreatedTime.UtcTicks)
                .ThenBy(r => r.InstanceId, StringComparer.Ordinal)
                .Take(Math.Max(1, query.PageSize) + 1)];
            string? token = null;
            if (matches.Count > Math.Max(1, query.PageSize))
            {
                matches.RemoveAt(matches.Count - 1);
                InstanceRecord last = matches[^1];
                token = EncodeToken(last.CreatedTime.UtcTicks, last.InstanceId);
            }

            return Task.FromResult(new InstancePage(matches, token));
        }
    }

    /// <inheritdoc/>
    public Task<int> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            if (!this.instances.TryGetValue(instanceId, out InstanceState? state) || !state.Record.Status.IsTerminal())
            {
                return Task.FromResult(0);
            }

            this.Delete(instanceId);
            return Task.FromResult(1);
        }
    }

    /// <inheritdoc/>
    public Task<int> PurgeInstancesAsync(PurgeFilter filter, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            List<string> ids = [.. this.instances.Values
                .Select(s => s.Record)
                .Where(r => r.Status.IsTerminal()
                    && r.CreatedTime >= filter.CreatedFrom
                    && (filter.CreatedTo is null || r.CreatedTime <= filter.CreatedTo)
                    && (filter.Statuses is null || filter.Statuses.Count == 0 || filter.Statuses.Contains(r.Status)))
                .Select(r => r.InstanceId)];
            ids.ForEach(this.Delete);
            return Task.FromResult(ids.Count);
        }
    }

    /// <inheritdoc/>
    public Task<OrchestrationWorkItem?> LeaseOrchestrationAsync(string owner, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            DateTimeOffset now = this.time.GetUtcNow();
            StoredMessage? first = this.inbox.Values.Where(m => m.VisibleTime <= now && !this.instances[m.InstanceId].IsLeased(now)).OrderBy(m => m.VisibleTime).ThenBy(m => m.Sequence).FirstOrDefault();
            if (first is null)
            {
                return Task.FromResult<OrchestrationWorkItem?>(null);
            }

            InstanceState state = this.instances[first.InstanceId];
            state.LeaseOwner = owner;
            state.LeaseExpiration = now + leaseDuration;
            List<OrchestrationMessage> messages = [];
            foreach (StoredMessage m in this.inbox.Values.Where(m => m.InstanceId == first.InstanceId && m.VisibleTime <= now).OrderBy(m => m.VisibleTime).ThenBy(m => m.Sequence).Take(maxMessages))
            {
                m.DequeueCount++;
                messages.Add(new OrchestrationMessage(m.Sequence, m.InstanceId, m.ExecutionId, m.Event, m.VisibleTime, m.DequeueCount));
            }

            return Task.FromResult<OrchestrationWorkItem?>(new OrchestrationWorkItem(state.Record, [.. state.History], messages, owner, state.LeaseExpiration));
        }
    }

    /// <inheritdoc/>
    public Task CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            InstanceState state = this.OwnedInstance(workItem);
            InstanceRecord old = state.Record;
            if (commit.ExecutionId != old.ExecutionId)
            {
                state.History.Clear();
            }

            state.History.AddRange(commit.NewHistory);
            bool terminal = commit.Status.IsTerminal();
            state.Record = old with
            {
                ExecutionId = commit.ExecutionId,
                Status = commit.Status,
                Input = commit.Input,
                Output = commit.Output,
                CustomStatus = commit.CustomStatus,
                LastUpdatedTime = commit.UpdatedTime,
                CompletedTime = terminal ? old.CompletedTime ?? commit.UpdatedTime : null,
            };
            state.LeaseOwner = null;
            foreach (long sequence in commit.ConsumedMessages)
            {
                this.inbox.Remove(sequence);
            }

            if (terminal)
            {
                // Timers and results addressed to the finished execution can never be used.
                foreach (long sequence in this.inbox.Values.Where(m => m.InstanceId == old.InstanceId && m.ExecutionId == old.ExecutionId).Select(m => m.Sequence).ToList())
                {
                    this.inbox.Remove(sequence);
                }
            }

            foreach (NewActivityTask task in commit.ActivityTasks)
            {
                long sequence = ++this.nextSequence;
                this.tasks.Add(sequence, new StoredTask(sequence, task, task.VisibleTime ?? this.time.GetUtcNow()));
            }

            foreach (NewInstance child in commit.NewInstances)
            {
                this.Create(child);
            }

            foreach (NewMessage message in commit.Messages.Where(m => this.instances.ContainsKey(m.InstanceId)))
            {
                this.AddMessage(message);
            }

            return Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task AbandonOrchestrationAsync(OrchestrationWorkItem workItem, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            // The instance, not its messages, waits out the delay, so message order is kept.
            if (this.instances.TryGetValue(workItem.Instance.InstanceId, out InstanceState? state) && state.LeaseOwner == workItem.Owner)
            {
                state.LeaseOwner = "(abandoned)";
                state.LeaseExpiration = this.time.GetUtcNow() + retryDelay;
            }

            return Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task<bool> RenewOrchestrationLeaseAsync(OrchestrationWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            DateTimeOffset now = this.time.GetUtcNow();
            if (!this.instances.TryGetValue(workItem.Instance.InstanceId, out InstanceState? state) || state.LeaseOwner != workItem.Owner || state.LeaseExpiration <= now)
            {
                return Task.FromResult(false);
            }

            state.LeaseExpiration = workItem.LeaseExpiration = now + leaseDuration;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public Task<ActivityWorkItem?> LeaseActivityAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            DateTimeOffset now = this.time.GetUtcNow();
            StoredTask? task = this.tasks.Values.FirstOrDefault(t => t.VisibleTime <= now && (t.LeaseOwner is null || t.LeaseExpiration <= now));
            if (task is null)
            {
                return Task.FromResult<ActivityWorkItem?>(null);
            }

            task.LeaseOwner = owner;
            task.LeaseExpiration = now + leaseDuration;
            task.DequeueCount++;
            return Task.FromResult<ActivityWorkItem?>(new ActivityWorkItem(task.Sequence, task.Task, task.DequeueCount, owner, task.LeaseExpiration));
        }
    }

    /// <inheritdoc/>
    public Task CompleteActivityAsync(ActivityWorkItem workItem, HistoryEvent result, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            StoredTask task = this.OwnedTask(workItem);
            this.tasks.Remove(task.Sequence);
            if (this.instances.TryGetValue(task.Task.InstanceId, out InstanceState? state)
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
        lock (this.gate)
        {
            if (this.tasks.TryGetValue(workItem.SequenceNumber, out StoredTask? task) && task.LeaseOwner == workItem.Owner)
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
        lock (this.gate)
        {
            DateTimeOffset now = this.time.GetUtcNow();
            if (!this.tasks.TryGetValue(workItem.SequenceNumber, out StoredTask? task) || task.LeaseOwner != workItem.Owner || task.LeaseExpiration <= now)
            {
                return Task.FromResult(false);
            }

            task.LeaseExpiration = workItem.LeaseExpiration = now + leaseDuration;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public Task<DateTimeOffset?> GetNextWakeUpTimeAsync(CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            DateTimeOffset now = this.time.GetUtcNow();
            IEnumerable<DateTimeOffset> candidates = this.inbox.Values.Select(m => m.VisibleTime)
                .Concat(this.tasks.Values.Select(t => t.LeaseOwner is null ? t.VisibleTime : t.LeaseExpiration))
                .Concat(this.instances.Values.Where(s => s.LeaseOwner is not null).Select(s => s.LeaseExpiration))
                .Where(t => t > now);
            return Task.FromResult(candidates.Any() ? candidates.Min() : (DateTimeOffset?)null);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string EncodeToken(long ticks, string id) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(ticks.ToString(CultureInfo.InvariantCulture) + "|" + id));

    private static (long, string)? DecodeToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            string text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token));
            int bar = text.IndexOf('|', StringComparison.Ordinal);
            return (long.Parse(text[..bar], CultureInfo.InvariantCulture), text[(bar + 1)..]);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentOutOfRangeException)
        {
            throw new ArgumentException("The continuation token is not valid.", nameof(token), ex);
        }
    }

    private CreateInstanceResult Create(NewInstance instance)
    {
        if (this.instances.TryGetValue(instance.InstanceId, out InstanceState? existing))
        {
            if (!existing.Record.Status.IsTerminal())
            {
                return CreateInstanceResult.AlreadyExists;
            }

            this.Delete(instance.InstanceId);
        }

        InstanceRecord record = new(instance.InstanceId, instance.ExecutionId, instance.Name, OrchestrationRuntimeStatus.Pending, instance.Input, null, null, instance.CreatedTime, instance.CreatedTime, null, instance.ParentInstanceId);
        this.instances.Add(instance.InstanceId, new InstanceState(record));
        this.AddMessage(new NewMessage(instance.InstanceId, null, instance.StartEvent));
        return CreateInstanceResult.Created;
    }

    private void Delete(string instanceId)
    {
        this.instances.Remove(instanceId);
        foreach (long sequence in this.inbox.Values.Where(m => m.InstanceId == instanceId).Select(m => m.Sequence).ToList())
        {
            this.inbox.Remove(sequence);
        }

        foreach (long sequence in this.tasks.Values.Where(t => t.Task.InstanceId == instanceId).Select(t => t.Sequence).ToList())
        {
            this.tasks.Remove(sequence);
        }
    }

    private void AddMessage(NewMessage message)
    {
        long sequence = ++this.nextSequence;
        this.inbox.Add(sequence, new StoredMessage(sequence, message.InstanceId, message.ExecutionId, message.Event, message.VisibleTime ?? this.time.GetUtcNow()));
    }

    private InstanceState OwnedInstance(OrchestrationWorkItem workItem)
    {
        if (this.instances.TryGetValue(workItem.Instance.InstanceId, out InstanceState? state)
            && state.LeaseOwner == workItem.Owner
            && state.LeaseExpiration > this.time.GetUtcNow())
        {
            return state;
        }

        throw new LeaseLostException($"The lease on instance '{workItem.Instance.InstanceId}' is no longer held by '{workItem.Owner}'.");
    }

    private StoredTask OwnedTask(ActivityWorkItem workItem)
    {
        if (this.tasks.TryGetValue(workItem.SequenceNumber, out StoredTask? task)
            && task.LeaseOwner == workItem.Owner
            && task.LeaseExpiration > this.time.GetUtcNow())
        {
            return task;
        }

        throw new LeaseLostException($"The lease on activity task {workItem.SequenceNumber} is no longer held by '{workItem.Owner}'.");
    }

    private sealed class InstanceState(InstanceRecord record)
    {
        public InstanceRecord Record { get; set; } = record;

        public List<HistoryEvent> History { get; } = [];

        public string? LeaseOwner { get; set; }

        public DateTimeOffset LeaseExpiration { get; set; }

        public bool IsLeased(DateTimeOffset now) => this.LeaseOwner is not null && this.LeaseExpiration > now;
    }

    private sealed class StoredMessage(long sequence, string instanceId, string? executionId, HistoryEvent evt, DateTimeOffset visibleTime)
    {
        public long Sequence { get; } = sequence;

        public string InstanceId { get; } = instanceId;

        public string? ExecutionId { get; } = executionId;

        public HistoryEvent Event { get; } = evt;

        public DateTimeOffset VisibleTime { get; set; } = visibleTime;

        public int DequeueCount { get; set; }
    }

    private sealed class StoredTask(long sequence, NewActivityTask task, DateTimeOffset visibleTime)
    {
        public long Sequence { get; } = sequence;

        public NewActivityTask Task { get; } = task;

        public DateTimeOffset VisibleTime { get; set; } = visibleTime;

        public string? LeaseOwner { get; set; }

        public DateTimeOffset LeaseExpiration { get; set; }

        public int DequeueCount { get; set; }
    }
}
