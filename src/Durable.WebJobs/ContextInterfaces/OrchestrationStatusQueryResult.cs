namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>One page of an instance query (as Durable Functions' <c>OrchestrationStatusQueryResult</c>).</summary>
public class OrchestrationStatusQueryResult
{
    /// <summary>Gets or sets the statuses of this page.</summary>
    public IEnumerable<DurableOrchestrationStatus> DurableOrchestrationState { get; set; } = [];

    /// <summary>Gets or sets the token of the next page, or null when there is none.</summary>
    public string? ContinuationToken { get; set; }
}
