namespace Durable.Core.Storage;

/// <summary>Outcome of <see cref="IOrchestrationStore.CreateInstanceAsync"/>.</summary>
public enum CreateInstanceResult
{
    /// <summary>The instance was created (a terminal instance with the same id was replaced).</summary>
    Created,

    /// <summary>An instance with that id exists and is not terminal; nothing was written.</summary>
    AlreadyExists,
}
