using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;

namespace FunctionsHost.Http;

/// <summary>Writes what an HTTP function returned: an <see cref="IActionResult"/>, an <see cref="HttpResponseMessage"/>, another value (as JSON), or nothing (200).</summary>
internal static class FunctionResultWriter
{
    public static async Task WriteAsync(HttpContext context, object? result)
    {
        switch (result)
        {
            case null:
                // The Functions host answers 200 with no body when a function sets no response.
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentLength = 0;
                break;
            case IActionResult action:
                await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
            case HttpResponseMessage message:
                await WriteMessageAsync(context, message);
                break;
            default:
                await new ObjectResult(result).ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
        }
    }

    private static async Task WriteMessageAsync(HttpContext context, HttpResponseMessage message)
    {
        using (message)
        {
            HttpResponse response = context.Response;
            response.StatusCode = (int)message.StatusCode;
            foreach (KeyValuePair<string, IEnumerable<string>> header in message.Headers)
            {
                response.Headers[header.Key] = header.Value.ToArray();
            }

            if (message.Content is null)
            {
                return;
            }

            foreach (KeyValuePair<string, IEnumerable<string>> header in message.Content.Headers)
            {
                response.Headers[header.Key] = header.Value.ToArray();
            }

            // Kestrel sets Transfer-Encoding itself; a copied one would conflict with Content-Length.
            response.Headers.Remove("Transfer-Encoding");
            await message.Content.CopyToAsync(response.Body, context.RequestAborted);
        }
    }
}
