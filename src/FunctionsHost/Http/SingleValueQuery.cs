using Microsoft.Azure.WebJobs.Extensions.DurableTask;

namespace FunctionsHost.Http;

/// <summary>
/// Refuses a query parameter given more than once (<c>?code=a&amp;code=b</c>, <c>?to=x&amp;to=y</c>) with 400 naming it,
/// on the app's functions and the host's own routes: which of the values a reader takes is an accident, so none is
/// taken. The Durable management API applies the same rule itself, in its own error shape.
/// </summary>
internal static class SingleValueQuery
{
    public static IApplicationBuilder UseSingleValueQuery(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(DurableTaskOptions.WebhookPath, StringComparison.OrdinalIgnoreCase)
                && context.Request.Query.FirstOrDefault(p => p.Value.Count > 1) is { Key: { } repeated } parameter)
            {
                await JsonErrors.WriteAsync(
                    context,
                    StatusCodes.Status400BadRequest,
                    $"The query parameter '{repeated}' is given {parameter.Value.Count} times; give it once.",
                    field: repeated);
                return;
            }

            await next(context);
        });
}
