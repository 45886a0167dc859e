namespace Durable.Core;

/// <summary>Classifies runtime statuses.</summary>
public static class OrchestrationRuntimeStatusExtensions
{
    /// <summary>
    /// True for states that never change again by themselves: Completed, Failed, Terminated, Canceled.
    /// Raising an event to such an instance is "gone" (HTTP 410), and a new start may reuse its id.
    /// </summary>
    public static bool IsTerminal(this OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Completed
            or OrchestrationRuntimeStatus.Failed
            or OrchestrationRuntimeStatus.Terminated
            or OrchestrationRuntimeStatus.Canceled;
}
