using Durable.Core.History;

namespace Durable.Core.Storage.InMemory;

/// <summary>An instance of <see cref="InMemoryOrchestrationStore"/>: its row, history and lease. Guarded by the store's lock.</summary>
internal sealed class InMemoryInstance(InstanceRecord record)
{
    public InstanceRecord Record { get; set; } = record;

    public List<HistoryEvent> History { get; } = [];

    public string? LeaseOwner { get; set; }

    public long LeaseToken { get; set; }

    public DateTimeOffset LeaseExpiration { get; set; }

    public bool IsLeased(DateTimeOffset now) => this.LeaseOwner is not null && this.LeaseExpiration > now;
}

/// <summary>An inbox row of <see cref="InMemoryOrchestrationStore"/>. Guarded by the store's lock.</summary>
internal sealed class InMemoryMessage(long sequence, string instanceId, string? executionId, HistoryEvent evt, DateTimeOffset visibleTime)
{
    public long Sequence { get; } = sequence;

    public string InstanceId { get; } = instanceId;

    public string? ExecutionId { get; } = executionId;

    public HistoryEvent Event { get; } = evt;

    public DateTimeOffset VisibleTime { get; } = visibleTime;

    public int DequeueCount { get; set; }
}

/// <summary>An activity task row of <see cref="InMemoryOrchestrationStore"/>. Guarded by the store's lock.</summary>
internal sealed class InMemoryTask(long sequence, NewActivityTask task, DateTimeOffset visibleTime)
{
    public long Sequence { get; } = sequence;

    public NewActivityTask Task { get; } = task;

    public DateTimeOffset VisibleTime { get; set; } = visibleTime;

    public string? LeaseOwner { get; set; }

    public long LeaseToken { get; set; }

    public DateTimeOffset LeaseExpiration { get; set; }

    public int DequeueCount { get; set; }
}
