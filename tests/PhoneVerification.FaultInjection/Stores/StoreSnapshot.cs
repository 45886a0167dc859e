namespace PhoneVerification.FaultInjection.Stores;

/// <summary>A hub's raw rows, as far as the consistency checks need them.</summary>
/// <param name="Instances">Instance rows.</param>
/// <param name="Inbox">Inbox rows (messages, timers, results) not yet consumed.</param>
/// <param name="Tasks">Activity task rows not yet completed.</param>
internal sealed record StoreSnapshot(
    IReadOnlyList<InstanceRow> Instances,
    IReadOnlyList<InboxRow> Inbox,
    IReadOnlyList<TaskRow> Tasks);

/// <summary>An instance row.</summary>
/// <param name="InstanceId">Id.</param>
/// <param name="ExecutionId">Current execution.</param>
/// <param name="Status">Runtime status name (Pending, Running, Completed, ...).</param>
/// <param name="LockedBy">Lease owner, or null.</param>
internal sealed record InstanceRow(string InstanceId, string ExecutionId, string Status, string? LockedBy)
{
    /// <summary>Completed, Failed or Terminated.</summary>
    public bool IsTerminal => this.Status is "Completed" or "Failed" or "Terminated";
}

/// <summary>An inbox row.</summary>
/// <param name="InstanceId">Target instance.</param>
/// <param name="ExecutionId">Target execution, or null for client messages.</param>
/// <param name="EventType">The message's history event type name (TimerFired, EventRaised, ...).</param>
internal sealed record InboxRow(string InstanceId, string? ExecutionId, string EventType);

/// <summary>An activity task row.</summary>
/// <param name="InstanceId">The orchestration that scheduled it.</param>
/// <param name="ExecutionId">Its execution.</param>
/// <param name="LockedBy">Lease owner, or null.</param>
internal sealed record TaskRow(string InstanceId, string ExecutionId, string? LockedBy);
