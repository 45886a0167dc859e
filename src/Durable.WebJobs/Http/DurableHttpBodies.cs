using Durable.Core.Client;
using Durable.Core.History;
using Durable.WebJobs.Presentation;
using Newtonsoft.Json.Linq;

namespace Durable.WebJobs.Http;

/// <summary>
/// The JSON bodies of the Durable management API, for other fronts that show the same data (the <c>durable</c>
/// command line's <c>--output json</c>): one serialization of a status, a list and an error, whatever the front.
/// </summary>
public static class DurableHttpBodies
{
    /// <summary>The longest <c>reason</c> the API accepts.</summary>
    public const int MaxReasonLength = DurableTaskHttpApi.MaxReasonLength;

    /// <summary>The longest event name the API accepts.</summary>
    public const int MaxEventNameLength = DurableTaskHttpApi.MaxEventNameLength;

    /// <summary>The largest page of <c>GET /instances</c>.</summary>
    public const int MaxTop = DurableTaskHttpApi.MaxTop;

    /// <summary>The body of <c>GET /instances/{id}</c>: <c>historyEvents</c> only when the status carries history.</summary>
    /// <param name="status">The status, as the durable client returns it.</param>
    /// <param name="showHistoryOutput">Whether history events carry their results (the API's <c>showHistoryOutput</c>).</param>
    /// <param name="showInput">Whether history events carry their inputs (the API's <c>showInput</c>).</param>
    /// <returns>The JSON object.</returns>
    public static JObject Status(OrchestrationMetadata status, bool showHistoryOutput = false, bool showInput = true)
    {
        ArgumentNullException.ThrowIfNull(status);
        return DurableJson.StatusBody(DurableStatuses.From(status, showHistoryOutput, showInput));
    }

    /// <summary>The <c>historyEvents</c> of <c>GET /instances/{id}?showHistory=true</c>, as Durable Functions formats them.</summary>
    /// <param name="history">The stored events, as the durable client returns them.</param>
    /// <param name="showHistoryOutput">Whether events carry their results.</param>
    /// <param name="showInput">Whether events carry their inputs.</param>
    /// <returns>The JSON array.</returns>
    public static JArray History(IReadOnlyList<HistoryEvent> history, bool showHistoryOutput = false, bool showInput = true)
    {
        ArgumentNullException.ThrowIfNull(history);
        return HistoryFormatter.Format(history, showHistoryOutput, showInput);
    }

    /// <summary>The body of <c>GET /instances</c> (the continuation token travels apart, as a header there).</summary>
    /// <param name="page">One page of statuses.</param>
    /// <returns>The JSON array.</returns>
    public static JArray Instances(OrchestrationMetadataPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return [.. page.Instances.Select(s => Status(s))];
    }

    /// <summary>An error in the API's shape: <c>{"Message", "status", "field"}</c>.</summary>
    /// <param name="statusCode">The HTTP status the API answers with.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="field">The parameter at fault, or null.</param>
    /// <returns>The JSON object.</returns>
    public static JObject Error(int statusCode, string message, string? field = null) => DurableJson.Error(statusCode, message, field);

    /// <summary>The body of a purge: <c>{"instancesDeleted": n}</c>.</summary>
    /// <param name="deleted">How many instances were deleted.</param>
    /// <returns>The JSON object.</returns>
    public static JObject Purged(int deleted) => new() { ["instancesDeleted"] = deleted };

    /// <summary>Serializes a body as the API writes it (Newtonsoft defaults, no indentation).</summary>
    /// <param name="body">The body.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(JToken body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return DurableJson.Serialize(body);
    }
}
