using Microsoft.Azure.WebJobs.Description;

namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>Marks the <see cref="IDurableOrchestrationContext"/> parameter of an orchestrator function.</summary>
/// <remarks>The function's return value (if any) is the orchestration output.</remarks>
[AttributeUsage(AttributeTargets.Parameter)]
#pragma warning disable CS0618 // TriggerHandlesReturnValue is how WebJobs lets a trigger own the return value; Durable Functions uses it too.
[Binding(TriggerHandlesReturnValue = true)]
#pragma warning restore CS0618
public sealed class OrchestrationTriggerAttribute : Attribute
{
    /// <summary>Gets or sets the orchestrator name; null means the <c>[FunctionName]</c>, else the method name.</summary>
    public string? Orchestration { get; set; }
}
