namespace Durable.Core.Storage;

/// <summary>Outcome of sending a message to an instance.</summary>
public enum EnqueueResult
{
    /// <summary>The message is stored and will be delivered.</summary>
    Accepted,

    /// <summary>No instance has that id (HTTP 404).</summary>
    NotFound,

    /// <summary>The instance is Completed, Failed, Terminated or Canceled (HTTP 410).</summary>
    Gone,

    /// <summary>The instance already has the most raised events it accepts (HTTP 429); see <see cref="IOrchestrationStore.EnqueueEventAsync"/>.</summary>
    LimitReached,
}
