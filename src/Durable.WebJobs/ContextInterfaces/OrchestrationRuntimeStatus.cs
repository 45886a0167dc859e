namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>The runtime status of an orchestration instance; names and values as in Durable Functions.</summary>
public enum OrchestrationRuntimeStatus
{
    /// <summary>The status is unknown.</summary>
    Unknown = -1,

    /// <summary>The instance is running or waiting for an event, a timer or an activity.</summary>
    Running = 0,

    /// <summary>The instance completed normally.</summary>
    Completed = 1,

    /// <summary>The instance restarted itself with new input (ContinueAsNew).</summary>
    ContinuedAsNew = 2,

    /// <summary>The instance failed with an error.</summary>
    Failed = 3,

    /// <summary>Legacy value; never produced.</summary>
    Canceled = 4,

    /// <summary>The instance was terminated by a client.</summary>
    Terminated = 5,

    /// <summary>The instance was created but has not run yet.</summary>
    Pending = 6,

    /// <summary>The instance was suspended by a client.</summary>
    Suspended = 7,
}
