using Newtonsoft.Json;

namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>The result of a purge (as Durable Functions' <c>PurgeHistoryResult</c>).</summary>
public class PurgeHistoryResult
{
    /// <summary>Initializes a new instance of the <see cref="PurgeHistoryResult"/> class.</summary>
    /// <param name="instancesDeleted">How many instances were deleted.</param>
    public PurgeHistoryResult(int instancesDeleted)
    {
        this.InstancesDeleted = instancesDeleted;
    }

    /// <summary>Gets how many instances were deleted.</summary>
    [JsonProperty("instancesDeleted")]
    public int InstancesDeleted { get; }
}
