namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>
/// The durable client as Durable Functions' <c>IDurableClient</c> (orchestration part; this runtime has no entities).
/// Bind it with <c>[DurableClient] IDurableClient client</c>.
/// </summary>
public interface IDurableClient : IDurableOrchestrationClient
{
    /// <summary>Gets the name of the task hub this client works on.</summary>
    new string TaskHubName { get; }
}
