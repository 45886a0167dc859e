using Durable.Core;
using Durable.Core.Diagnostics;
using Durable.Core.Storage;
using FunctionsHost.Security;

namespace FunctionsHost.Pages;

/// <summary>
/// <c>GET /dashboard/api/counts</c>: how many instances of this task hub are in each runtime status, counted by the
/// store from its status index (as for the <c>durable.instances</c> gauge), so the dashboard's status buttons show
/// counts without reading every instance. Read-only, under the management API's keys.
/// </summary>
internal static class DashboardCountsEndpoint
{
    public const string Path = "/dashboard/api/counts";

    public static void MapDashboardCounts(this WebApplication app) =>
        app.MapGet(Path, CountAsync).WithDisplayName("Dashboard counts").RequireSystemKeyWhenEnforced();

    private static async Task<IResult> CountAsync(HttpContext context, IOrchestrationStore store)
    {
        // Data, not a page file: never cached, so polling always sees the store's current counts.
        context.Response.Headers.CacheControl = "no-store";
        if (store is not IInstanceStatusCounter counter)
        {
            return Results.Json(new { error = "This store cannot count instances by status.", status = StatusCodes.Status501NotImplemented, field = "store" }, statusCode: StatusCodes.Status501NotImplemented);
        }

        IReadOnlyDictionary<OrchestrationStatus, long> counts = await counter.CountInstancesByStatusAsync(context.RequestAborted).ConfigureAwait(false);

        // Every status, zero included, so a client need not know which ones a store leaves out.
        Dictionary<string, long> body = Enum.GetValues<OrchestrationStatus>().ToDictionary(s => s.ToString(), s => counts.GetValueOrDefault(s));
        return Results.Json(body);
    }
}
