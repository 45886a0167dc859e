namespace FunctionsHost.Security;

/// <summary>
/// Puts an endpoint of the host itself behind a host-level key whenever keys are enforced, as Azure Functions does for
/// its admin endpoints: the master key alone (the development outbox, which shows every code texted) or, for
/// read-only views of the management API's data, the same keys as that API (system or master key).
/// </summary>
internal static class AdminKeyEndpointFilter
{
    public static TBuilder RequireMasterKeyWhenEnforced<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireKeyWhenEnforced(PresentedKey.Master);

    /// <summary>The management API's rule (<see cref="DurableKeyAuthorizer"/>): the system key or the master key.</summary>
    public static TBuilder RequireSystemKeyWhenEnforced<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireKeyWhenEnforced(PresentedKey.System, PresentedKey.Master);

    private static TBuilder RequireKeyWhenEnforced<TBuilder>(this TBuilder builder, params PresentedKey[] accepted)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            IServiceProvider services = context.HttpContext.RequestServices;
            if (services.GetRequiredService<KeyEnforcement>().Enforced
                && !accepted.Contains(RequestKey.Identify(services.GetRequiredService<HostKeys>(), context.HttpContext.Request, functionName: null)))
            {
                return Results.Json(new { error = "A valid key is required for this endpoint.", status = StatusCodes.Status401Unauthorized, field = "code" }, statusCode: StatusCodes.Status401Unauthorized);
            }

            return await next(context);
        });
}
