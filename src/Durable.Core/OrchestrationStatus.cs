namespace Durable.Core;

/// <summary>
/// The lifecycle state of an orchestration instance. Names and numeric values match Durable Functions'
/// <c>OrchestrationStatus</c> so that stored values and HTTP output read the same as in Azure.
/// </summary>
public enum OrchestrationStatus
{
    /// <summary>The instance is being processed or waits for an event, a timer or an activity.</summary>
    Running = 0,

    /// <summary>The orchestrator returned and no durable task is open.</summary>
    Completed = 1,

    /// <summary>The instance restarted itself with new input; a new execution follows.</summary>
    ContinuedAsNew = 2,

    /// <summary>The orchestrator threw, or the engine failed it (for example on non-determinism).</summary>
    Failed = 3,

    /// <summary>Legacy value kept for parity; never produced.</summary>
    Canceled = 4,

    /// <summary>A client terminated the instance.</summary>
    Terminated = 5,

    /// <summary>Created, but its first episode has not run yet.</summary>
    Pending = 6,

    /// <summary>A client suspended the instance; new events are kept until it resumes.</summary>
    Suspended = 7,
}
