using Durable.Core.History;

namespace Durable.Core.Storage;

/// <summary>
/// Everything one orchestration episode changes. A store applies it in ONE transaction, fenced by the
/// work item's lease: all of it becomes visible, or none of it.
/// </summary>
public sealed record OrchestrationCommit
{
    /// <summary>
    /// Execution id after the episode. Differs from the work item's when the episode continued as new:
    /// then the stored history is replaced by <see cref="NewHistory"/> instead of appended to.
    /// </summary>
    public required string ExecutionId { get; init; }

    /// <summary>Events to append to the history (or the whole new history after continue-as-new).</summary>
    public IReadOnlyList<HistoryEvent> NewHistory { get; init; } = [];

    /// <summary>New runtime status.</summary>
    public required OrchestrationStatus Status { get; init; }

    /// <summary>Input JSON (changes only on continue-as-new).</summary>
    public string? Input { get; init; }

    /// <summary>Output JSON once terminal, else null.</summary>
    public string? Output { get; init; }

    /// <summary>Custom status JSON.</summary>
    public string? CustomStatus { get; init; }

    /// <summary>Time of the change (UTC); becomes LastUpdatedTime, and CompletedTime when terminal.</summary>
    public required DateTimeOffset UpdatedTime { get; init; }

    /// <summary>Inbox rows consumed by the episode (by sequence number): deleted.</summary>
    public IReadOnlyList<long> ConsumedMessages { get; init; } = [];

    /// <summary>Activities scheduled by the episode.</summary>
    public IReadOnlyList<NewActivityTask> ActivityTasks { get; init; } = [];

    /// <summary>Messages to write: timers to self (with a visible time), results to a parent, events to others.</summary>
    public IReadOnlyList<NewMessage> Messages { get; init; } = [];

    /// <summary>Sub-orchestrations started by the episode.</summary>
    public IReadOnlyList<NewInstance> NewInstances { get; init; } = [];

    /// <summary>The instance row once this commit is stored on <paramref name="instance"/> (lease aside).</summary>
    public InstanceRecord AppliedTo(InstanceRecord instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return instance with
        {
            ExecutionId = this.ExecutionId,
            Status = this.Status,
            Input = this.Input,
            Output = this.Output,
            CustomStatus = this.CustomStatus,
            LastUpdatedTime = this.UpdatedTime,
            CompletedTime = this.Status.IsTerminal() ? instance.CompletedTime ?? this.UpdatedTime : null,
        };
    }
}
