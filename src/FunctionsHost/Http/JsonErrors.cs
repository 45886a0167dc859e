using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace FunctionsHost.Http;

/// <summary>JSON bodies for the host's own errors: unknown route (404), wrong method (405), failed function (500).</summary>
internal static class JsonErrors
{
    /// <summary>Status-code-pages handler: fills empty 404 and 405 responses (the Durable API switches it off for its own).</summary>
    public static Task WriteStatusPageAsync(StatusCodeContext statusContext)
    {
        HttpContext context = statusContext.HttpContext;
        string target = context.Request.Method + " " + context.Request.Path;
        return context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => WriteAsync(context, StatusCodes.Status404NotFound, "NotFound", $"No function or endpoint matches {target}."),
            StatusCodes.Status405MethodNotAllowed => WriteAsync(
                context,
                StatusCodes.Status405MethodNotAllowed,
                "MethodNotAllowed",
                $"{context.Request.Method} is not allowed for {context.Request.Path}; allowed: {context.Response.Headers.Allow}."),
            _ => Task.CompletedTask,
        };
    }

    public static async Task WriteAsync(HttpContext context, int statusCode, string error, string message)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new { error, message });
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}
