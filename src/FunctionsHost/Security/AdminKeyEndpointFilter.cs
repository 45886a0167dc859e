namespace FunctionsHost.Security;

/// <summary>
/// Puts an endpoint of the host itself (the development outbox, which shows every code texted) behind the master key
/// whenever keys are enforced, as Azure Functions does for its admin endpoints.
/// </summary>
internal static class AdminKeyEndpointFilter
{
    public static TBuilder RequireMasterKeyWhenEnforced<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            IServiceProvider services = context.HttpContext.RequestServices;
            if (services.GetRequiredService<KeyEnforcement>().Enforced
                && RequestKey.Identify(services.GetRequiredService<HostKeys>(), context.HttpContext.Request, functionName: null) != PresentedKey.Master)
            {
                return Results.Json(new { error = "A valid key is required for this endpoint.", status = StatusCodes.Status401Unauthorized, field = "code" }, statusCode: StatusCodes.Status401Unauthorized);
            }

            return await next(context);
        });
}
