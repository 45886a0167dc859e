using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace FunctionsHost.Http;

/// <summary>
/// JSON bodies for the host's own errors, in the shape every error of the product has (<c>{"error", "status", "field"}</c>): unknown route
/// (404), wrong method (405, with <c>Allow</c>), failed function or host error (500; <c>detail</c> only in Development).
/// </summary>
internal static class JsonErrors
{
    /// <summary>Status-code-pages handler: fills empty 404 and 405 responses (the Durable API switches it off for its own).</summary>
    public static Task WriteStatusPageAsync(StatusCodeContext statusContext)
    {
        HttpContext context = statusContext.HttpContext;
        HttpRequest request = context.Request;
        return context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => WriteAsync(context, StatusCodes.Status404NotFound, $"No function or API matches {request.Method} {request.Path}."),
            StatusCodes.Status405MethodNotAllowed => WriteAsync(
                context,
                StatusCodes.Status405MethodNotAllowed,
                $"{request.Method} is not allowed for {request.Path}; allowed: {context.Response.Headers.Allow}."),
            _ => Task.CompletedTask,
        };
    }

    /// <summary>Seconds a client is asked to wait when the store is unavailable.</summary>
    public const int StoreRetryAfterSeconds = 5;

    /// <summary>
    /// Exception-handler: any exception that escaped the pipeline becomes a JSON 500, without a stack trace outside
    /// Development; an unavailable store a 503 with Retry-After.
    /// </summary>
    public static Task WriteUnhandledAsync(HttpContext context)
    {
        Exception? exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (Find<Durable.Core.Storage.StoreFailedException>(exception) is { } failed)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("FunctionsHost.Http")
                .LogError("{Method} {Path} answered 503: the store has stopped, the outcome is unknown ({Reason}).", context.Request.Method, context.Request.Path, failed.Message);
            return WriteOutcomeUnknownAsync(context);
        }

        if (StoreUnavailable(exception) is { } unavailable)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("FunctionsHost.Http")
                .LogError("{Method} {Path} answered 503: the store is unavailable ({Reason}).", context.Request.Method, context.Request.Path, unavailable.Message);
            return WriteStoreUnavailableAsync(context, unavailable);
        }

        bool development = context.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment();
        return WriteAsync(
            context,
            StatusCodes.Status500InternalServerError,
            $"The host failed to process {context.Request.Method} {context.Request.Path}; see the host log for details.",
            development ? exception?.ToString() : null);
    }

    /// <summary>The store's exception anywhere in the chain (the engine or the JobHost may wrap it).</summary>
    public static Durable.Core.Storage.StoreUnavailableException? StoreUnavailable(Exception? exception) =>
        Find<Durable.Core.Storage.StoreUnavailableException>(exception);

    /// <summary>The first <typeparamref name="T"/> in the exception's chain of inner exceptions, or null.</summary>
    public static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>
    /// 503 after the store stopped for good (a failed fsync): the request may or may not have been stored, and the host is
    /// restarting. <c>"outcome": "unknown"</c> tells clients not to assume "nothing changed": check before retrying.
    /// </summary>
    public static async Task WriteOutcomeUnknownAsync(HttpContext context, string message = OutcomeUnknownMessage)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = StoreRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json; charset=utf-8";
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["error"] = message,
            ["outcome"] = "unknown",
        });
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>The error text of a 503 after the connection to the store broke while committing.</summary>
    public const string CommitOutcomeUnknownMessage =
        "The connection to the durable store was lost while this request was being committed: the outcome of this request is unknown " +
        "(it may or may not have been stored). Check the current state (for example the instance's status) before retrying.";

    /// <summary>The message of a 503 after the store stopped for good.</summary>
    public const string OutcomeUnknownMessage =
        "The durable store has stopped after a failed write to disk: the outcome of this request is unknown (it may or may not have been stored). " +
        "The host is restarting; check the current state (for example the instance's status) before retrying.";

    /// <summary>
    /// 503 with Retry-After: the store cannot take the request now and nothing was changed, or, when the connection broke
    /// while committing (<see cref="Durable.Core.Storage.StoreUnavailableException.OutcomeUnknown"/>), the outcome is unknown.
    /// </summary>
    public static Task WriteStoreUnavailableAsync(HttpContext context, Durable.Core.Storage.StoreUnavailableException unavailable)
    {
        if (unavailable.OutcomeUnknown)
        {
            return WriteOutcomeUnknownAsync(context, CommitOutcomeUnknownMessage);
        }

        context.Response.Headers.RetryAfter = StoreRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The durable store is temporarily unavailable; nothing was changed. Retry after the time in the Retry-After header.");
    }

    /// <summary>Writes the product's error shape: <c>{"error": ..., "status": ..., "field"?: ..., "detail"?: ...}</c>.</summary>
    public static async Task WriteAsync(HttpContext context, int statusCode, string error, string? detail = null, string? field = null)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        Dictionary<string, object> content = new() { ["error"] = error, ["status"] = statusCode };
        if (field is not null)
        {
            content["field"] = field;
        }

        if (detail is not null)
        {
            content["detail"] = detail;
        }

        byte[] body = JsonSerializer.SerializeToUtf8Bytes(content);
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}
