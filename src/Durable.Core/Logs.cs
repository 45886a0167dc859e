using Microsoft.Extensions.Logging;

namespace Durable.Core;

/// <summary>Every log line of the engine, with fixed event ids. No payloads are logged: they may hold secrets.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "{Dispatcher} dispatcher could not lease work; retrying in {DelayMs} ms.")]
    public static partial void LeaseFailed(ILogger logger, string dispatcher, double delayMs, Exception exception);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "{Dispatcher} work item crashed; it will be retried when its lease expires.")]
    public static partial void WorkItemCrashed(ILogger logger, string dispatcher, Exception exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Lease lost for {Kind} '{InstanceId}': another worker owns it now; this worker's result was discarded.")]
    public static partial void LeaseLost(ILogger logger, string kind, string instanceId);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Work of {Kind} '{InstanceId}' failed to run and was abandoned for a retry in {DelayMs} ms.")]
    public static partial void WorkItemAbandoned(ILogger logger, string kind, string instanceId, double delayMs, Exception exception);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Orchestration '{InstanceId}' ({Name}) is {Status}.")]
    public static partial void InstanceFinished(ILogger logger, string instanceId, string name, OrchestrationStatus status);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "Orchestration '{InstanceId}' ({Name}) failed.")]
    public static partial void InstanceFailed(ILogger logger, string instanceId, string name, Exception exception);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Debug, Message = "Dropped {Count} message(s) for orchestration '{InstanceId}' ({Reason}).")]
    public static partial void MessagesDropped(ILogger logger, int count, string instanceId, string reason);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Activity '{Name}' of orchestration '{InstanceId}' failed: {ErrorType}.")]
    public static partial void ActivityFailed(ILogger logger, string name, string instanceId, string? errorType);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Activity '{Name}' of orchestration '{InstanceId}' was interrupted by shutdown and released for another attempt.")]
    public static partial void ActivityReleased(ILogger logger, string name, string instanceId);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Could not renew the lease of {Kind} '{InstanceId}'.")]
    public static partial void RenewFailed(ILogger logger, string kind, string instanceId, Exception? exception);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Error, Message = "Gave up on {Kind} '{Name}' of orchestration '{InstanceId}' after {Attempts} attempts; it was parked with a failure instead of retried again.")]
    public static partial void WorkItemParked(ILogger logger, string kind, string name, string instanceId, int attempts);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Released {Count} lease(s) held by process(es) of this machine that are gone; their work is picked up now.")]
    public static partial void DeadLeasesReleased(ILogger logger, int count);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Warning, Message = "Could not store the result of {Kind} '{InstanceId}'; it was released for a retry in {DelayMs} ms.")]
    public static partial void CommitFailed(ILogger logger, string kind, string instanceId, double delayMs, Exception exception);

    [LoggerMessage(EventId = 1017, Level = LogLevel.Warning, Message = "The store is unavailable; the result of {Kind} '{InstanceId}' is kept, under its lease, and stored again in {DelayMs} ms.")]
    public static partial void CommitDeferred(ILogger logger, string kind, string instanceId, double delayMs, Exception exception);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "Could not release the leases of processes that are gone; their work waits for the leases to expire.")]
    public static partial void ReleaseDeadLeasesFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Warning, Message = "Could not hand back {Kind} '{InstanceId}'; it is retried when its lease expires.")]
    public static partial void ReleaseFailed(ILogger logger, string kind, string instanceId, Exception exception);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Information, Message = "Orchestration '{InstanceId}' ({Name}) was rewound: its failed steps run again.")]
    public static partial void InstanceRewound(ILogger logger, string instanceId, string name);

    [LoggerMessage(EventId = 1018, Level = LogLevel.Warning, Message = "Orchestration '{InstanceId}' was leased to this host by a write whose outcome was unknown; that lease is handed back, and its work is picked up now.")]
    public static partial void UnknownLeaseHandedBack(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 1019, Level = LogLevel.Warning, Message = "Could not hand back the lease of orchestration '{InstanceId}' that a write with an unknown outcome may have taken; the instance waits for that lease to expire.")]
    public static partial void UnknownLeaseNotHandedBack(ILogger logger, string instanceId, Exception exception);
}
