using FunctionsHost.Security;

namespace FunctionsHost.Pages;

/// <summary>
/// Serves the dashboard (<c>/dashboard/</c>) and the end-user verification page (<c>/</c>) from embedded files. The
/// files are public (no data in them); everything they show comes from the management API, the dashboard's counts
/// (<see cref="DashboardCountsEndpoint"/>) and the app's functions, under the same keys as for any other client.
/// </summary>
internal static class PageEndpoints
{
    /// <summary>
    /// Same-origin only: scripts, styles, fetches and images come from this host and nowhere else, so a page works
    /// offline and cannot leak what it shows to another origin.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static void MapPages(this WebApplication app, PageSettings settings)
    {
        if (!settings.Dashboard && !settings.VerificationPage)
        {
            return;
        }

        EmbeddedAssets assets = EmbeddedAssets.Load();
        app.MapGet("/assets/settings.json", (HttpContext context) => Settings(context, settings)).WithDisplayName("Pages settings");
        app.MapGet("/assets/{file}", (HttpContext context, string file) => Serve(context, assets, "assets/" + file)).WithDisplayName("Pages assets");
        if (settings.Dashboard)
        {
            // Routing ignores a trailing slash: one handler serves /dashboard/ and sends /dashboard there (one address per page).
            app.MapGet("/dashboard", (HttpContext context) => context.Request.Path.Value!.EndsWith('/')
                ? Serve(context, assets, "dashboard/index.html")
                : Results.Redirect("/dashboard/", permanent: true)).WithDisplayName("Dashboard");
            app.MapGet("/dashboard/{file}", (HttpContext context, string file) => Serve(context, assets, "dashboard/" + file)).WithDisplayName("Dashboard assets");
            app.MapDashboardCounts();
        }

        if (settings.VerificationPage)
        {
            app.MapGet("/", (HttpContext context) => Serve(context, assets, "verify/index.html")).WithDisplayName("Verification page");
            app.MapGet("/verify/{file}", (HttpContext context, string file) => Serve(context, assets, "verify/" + file)).WithDisplayName("Verification page assets");
        }
    }

    /// <summary>What the pages need to know before their first call: whether to ask for a key, whether the outbox is served.</summary>
    private static IResult Settings(HttpContext context, PageSettings settings)
    {
        IServiceProvider services = context.RequestServices;
        bool keysRequired = services.GetRequiredService<KeyEnforcement>().Enforced;
        bool development = services.GetRequiredService<IHostEnvironment>().IsDevelopment();
        SetHeaders(context.Response);

        // The outbox needs the master key once keys are enforced; the end-user page never holds it, so it shows the
        // outbox only where no key is needed.
        return Results.Json(new { keysRequired, devOutbox = development && !keysRequired, settings.Dashboard, settings.VerificationPage });
    }

    private static IResult Serve(HttpContext context, EmbeddedAssets assets, string path)
    {
        if (assets.Find(path) is not { } asset)
        {
            return Results.Json(new { error = $"No page file matches {context.Request.Path}.", field = "path" }, statusCode: StatusCodes.Status404NotFound);
        }

        HttpResponse response = context.Response;
        SetHeaders(response);
        response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static void SetHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";

        // Revalidated on every load (cheap: 304), so a new host version never runs with stale modules.
        response.Headers.CacheControl = "no-cache";
    }
}
