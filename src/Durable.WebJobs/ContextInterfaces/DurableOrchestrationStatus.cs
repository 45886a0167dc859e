using Newtonsoft.Json.Linq;

namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>The status of an orchestration instance, as Durable Functions' <c>DurableOrchestrationStatus</c>.</summary>
public class DurableOrchestrationStatus
{
    /// <summary>Gets or sets the orchestrator function name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the orchestrator version (always empty here).</summary>
    public string Version { get; set; } = string.Empty;

    /// <summary>Gets or sets the instance id.</summary>
    public string InstanceId { get; set; } = string.Empty;

    /// <summary>Gets or sets the parent instance id of a sub-orchestration.</summary>
    public string? ParentInstanceId { get; set; }

    /// <summary>Gets or sets when the instance was created (UTC).</summary>
    public DateTime CreatedTime { get; set; }

    /// <summary>Gets or sets when the instance last changed (UTC).</summary>
    public DateTime LastUpdatedTime { get; set; }

    /// <summary>Gets or sets the input, or null when absent or not requested.</summary>
    public JToken? Input { get; set; }

    /// <summary>Gets or sets the output: the result, the failure text or the terminate reason.</summary>
    public JToken? Output { get; set; }

    /// <summary>Gets or sets the runtime status.</summary>
    public OrchestrationRuntimeStatus RuntimeStatus { get; set; }

    /// <summary>Gets or sets the custom status, or null.</summary>
    public JToken? CustomStatus { get; set; }

    /// <summary>Gets or sets the history in the HTTP API's shape when requested, else null.</summary>
    public JArray? History { get; set; }
}
