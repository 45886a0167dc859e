using Newtonsoft.Json.Linq;

namespace Durable.Core.Client;

/// <summary>An instance's status as clients see it (the HTTP status object's content).</summary>
public sealed class OrchestrationStatus
{
    /// <summary>Orchestrator name.</summary>
    public required string Name { get; init; }

    /// <summary>Instance id.</summary>
    public required string InstanceId { get; init; }

    /// <summary>Runtime status.</summary>
    public required OrchestrationRuntimeStatus RuntimeStatus { get; init; }

    /// <summary>Input, or null when absent or not requested.</summary>
    public JToken? Input { get; init; }

    /// <summary>Output once finished: the result, the failure text, or the terminate reason.</summary>
    public JToken? Output { get; init; }

    /// <summary>Custom status, or null.</summary>
    public JToken? CustomStatus { get; init; }

    /// <summary>Creation time (UTC).</summary>
    public required DateTime CreatedTime { get; init; }

    /// <summary>Last change (UTC).</summary>
    public required DateTime LastUpdatedTime { get; init; }

    /// <summary>History in Durable Functions' HTTP shape when requested, else null.</summary>
    public JArray? History { get; init; }
}
