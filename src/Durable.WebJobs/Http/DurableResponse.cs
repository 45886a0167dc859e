using System.Net;
using System.Net.Http;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Newtonsoft.Json.Linq;

namespace Durable.WebJobs.Http;

/// <summary>One response of the Durable HTTP contract, renderable as an <see cref="IActionResult"/>, an <see cref="HttpResponseMessage"/> or directly.</summary>
/// <param name="StatusCode">The HTTP status code.</param>
/// <param name="Body">The JSON body, or null for an empty body.</param>
/// <param name="Headers">Extra headers (Location, Retry-After, x-ms-continuation-token).</param>
internal sealed record DurableResponse(int StatusCode, JToken? Body, IReadOnlyDictionary<string, string> Headers)
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    /// <summary>A response without extra headers.</summary>
    public DurableResponse(int statusCode, JToken? body = null)
        : this(statusCode, body, NoHeaders)
    {
    }

    /// <summary>202 with the management links, <c>Location</c> = status link and <c>Retry-After: 10</c>.</summary>
    public static DurableResponse CheckStatus(HttpManagementPayload links) => new(
        StatusCodes.Status202Accepted,
        DurableJson.CheckStatusBody(links),
        new Dictionary<string, string> { ["Location"] = links.StatusQueryGetUri, ["Retry-After"] = "10" });

    /// <summary>
    /// The GET-status response: 202 with <c>Location</c> (<paramref name="requestUrl"/>) and <c>Retry-After: 5</c>
    /// while the instance can still change, else 200 (500 for Failed when asked to).
    /// </summary>
    public static DurableResponse Status(DurableOrchestrationStatus status, bool returnInternalServerErrorOnFailure, string requestUrl)
    {
        JObject body = DurableJson.StatusBody(status);
        return status.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.ContinuedAsNew or OrchestrationRuntimeStatus.Suspended =>
                new DurableResponse(StatusCodes.Status202Accepted, body, new Dictionary<string, string> { ["Location"] = requestUrl, ["Retry-After"] = "5" }),
            OrchestrationRuntimeStatus.Failed =>
                new DurableResponse(returnInternalServerErrorOnFailure ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK, body),
            OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Terminated or OrchestrationRuntimeStatus.Canceled =>
                new DurableResponse(StatusCodes.Status200OK, body),
            _ => new DurableResponse(StatusCodes.Status500InternalServerError, body),
        };
    }

    /// <summary>An error in Web API's shape, naming the field at fault when there is one.</summary>
    /// <param name="statusCode">The status.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="field">The parameter, header or <c>body</c> at fault, or null.</param>
    /// <param name="exception">The exception behind it: its message is shown for client errors, its type and stack only with <paramref name="details"/>.</param>
    /// <param name="details">Whether exception type and stack trace may be shown (Development).</param>
    public static DurableResponse Error(int statusCode, string message, string? field = null, Exception? exception = null, bool details = false) =>
        new(statusCode, DurableJson.Error(statusCode, message, field, exception, details));

    /// <summary>As an MVC action result (executes without MVC services).</summary>
    public IActionResult ToActionResult() => new DurableJsonResult(this.StatusCode, this.Body, this.Headers);

    /// <summary>As an <see cref="HttpResponseMessage"/> for functions bound to <see cref="HttpRequestMessage"/>.</summary>
    public HttpResponseMessage ToResponseMessage()
    {
        HttpResponseMessage message = new((HttpStatusCode)this.StatusCode);
        if (this.Body is not null)
        {
            message.Content = new StringContent(DurableJson.Serialize(this.Body), Encoding.UTF8, "application/json");
        }

        foreach (KeyValuePair<string, string> header in this.Headers)
        {
            message.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return message;
    }

    /// <summary>This response with one more header.</summary>
    public DurableResponse WithHeader(string name, string value) =>
        this with { Headers = new Dictionary<string, string>(this.Headers) { [name] = value } };

    /// <summary>Writes the response.</summary>
    public Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        foreach (KeyValuePair<string, string> header in this.Headers)
        {
            response.Headers[header.Key] = header.Value;
        }

        return DurableJson.WriteAsync(response, this.StatusCode, this.Body, cancellationToken);
    }
}
