namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>Filter and page of an instance query (as Durable Functions' <c>OrchestrationStatusQueryCondition</c>).</summary>
public class OrchestrationStatusQueryCondition
{
    /// <summary>Gets or sets the statuses to return (null or empty = all).</summary>
    public IEnumerable<OrchestrationRuntimeStatus>? RuntimeStatus { get; set; }

    /// <summary>Gets or sets the earliest creation time (default: no bound).</summary>
    public DateTime CreatedTimeFrom { get; set; }

    /// <summary>Gets or sets the latest creation time (default: no bound).</summary>
    public DateTime CreatedTimeTo { get; set; }

    /// <summary>Gets or sets the task hubs to query (only this client's hub is served here).</summary>
    public IEnumerable<string>? TaskHubNames { get; set; }

    /// <summary>Gets or sets the page size (default 100).</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>Gets or sets the continuation token of the page to read (null = first page).</summary>
    public string? ContinuationToken { get; set; }

    /// <summary>Gets or sets an instance id prefix to match.</summary>
    public string? InstanceIdPrefix { get; set; }

    /// <summary>Gets or sets whether inputs are returned (default true).</summary>
    public bool ShowInput { get; set; } = true;
}
