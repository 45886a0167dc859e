using Microsoft.AspNetCore.Mvc;
using Newtonsoft.Json.Linq;

namespace Durable.WebJobs.Http;

/// <summary>
/// An <see cref="IActionResult"/> that writes a status code, headers and a Newtonsoft JSON body itself, so it needs no
/// MVC services and renders exactly as Durable Functions' responses do.
/// </summary>
internal sealed class DurableJsonResult : IActionResult
{
    private readonly DurableResponse response;

    public DurableJsonResult(int statusCode, JToken? body, IReadOnlyDictionary<string, string> headers)
    {
        this.response = new DurableResponse(statusCode, body, headers);
    }

    /// <summary>The HTTP status code.</summary>
    public int StatusCode => this.response.StatusCode;

    /// <summary>The JSON body, or null for none.</summary>
    public JToken? Body => this.response.Body;

    /// <summary>Extra response headers.</summary>
    public IReadOnlyDictionary<string, string> Headers => this.response.Headers;

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return this.response.WriteAsync(context.HttpContext.Response, context.HttpContext.RequestAborted);
    }
}
