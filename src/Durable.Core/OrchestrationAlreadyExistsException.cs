namespace Durable.Core;

/// <summary>A start named an instance id that is already Pending, Running or Suspended.</summary>
public sealed class OrchestrationAlreadyExistsException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public OrchestrationAlreadyExistsException(string instanceId)
        : base($"An orchestration with instance id '{instanceId}' already exists and is not finished.")
    {
        this.InstanceId = instanceId;
    }

    /// <summary>The id that is in use.</summary>
    public string InstanceId { get; }
}
