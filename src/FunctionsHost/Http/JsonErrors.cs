using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace FunctionsHost.Http;

/// <summary>
/// JSON bodies for the host's own errors, in the shape the app's functions use (<c>{"error": "..."}</c>): unknown route
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

    /// <summary>Exception-handler: any exception that escaped the pipeline becomes a JSON 500, without a stack trace outside Development.</summary>
    public static Task WriteUnhandledAsync(HttpContext context)
    {
        Exception? exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        bool development = context.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment();
        return WriteAsync(
            context,
            StatusCodes.Status500InternalServerError,
            $"The host failed to process {context.Request.Method} {context.Request.Path}; see the host log for details.",
            development ? exception?.ToString() : null);
    }

    public static async Task WriteAsync(HttpContext context, int statusCode, string error, string? detail = null)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        byte[] body = detail is null
            ? JsonSerializer.SerializeToUtf8Bytes(new { error })
            : JsonSerializer.SerializeToUtf8Bytes(new { error, detail });
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}
