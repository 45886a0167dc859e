namespace Durable.Core;

/// <summary>Classifies runtime statuses.</summary>
public static class OrchestrationStatusExtensions
{
    /// <summary>
    /// True for states that never change again by themselves: Completed, Failed, Terminated, Canceled.
    /// Raising an event to such an instance is "gone" (HTTP 410), and a new start may reuse its id.
    /// </summary>
    public static bool IsTerminal(this OrchestrationStatus status) =>
        status is OrchestrationStatus.Completed
            or OrchestrationStatus.Failed
            or OrchestrationStatus.Terminated
            or OrchestrationStatus.Canceled;
}
