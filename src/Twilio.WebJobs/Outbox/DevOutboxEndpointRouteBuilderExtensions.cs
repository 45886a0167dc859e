using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Twilio.WebJobs;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps <c>GET /dev/outbox</c>. Map it only in Development: it shows every verification code.</summary>
public static class DevOutboxEndpointRouteBuilderExtensions
{
    /// <summary>The route of the outbox listing.</summary>
    public const string Route = "/dev/outbox";

    /// <summary>
    /// Serves the <see cref="SmsOutbox"/> registered in <paramref name="endpoints"/>' services as a JSON array of
    /// <c>{to, from, body, createdTime}</c>, oldest first; <c>?to=</c> filters by recipient.
    /// </summary>
    /// <param name="endpoints">The web app or route group.</param>
    /// <returns>The endpoint builder, for further conventions.</returns>
    public static RouteHandlerBuilder MapDevOutbox(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapDevOutbox(endpoints.ServiceProvider.GetRequiredService<SmsOutbox>());
    }

    /// <summary>
    /// Serves a given <see cref="SmsOutbox"/>: use this when the WebJobs host and the web front have separate
    /// service providers, passing the outbox resolved from the WebJobs host.
    /// </summary>
    /// <param name="endpoints">The web app or route group.</param>
    /// <param name="outbox">The outbox the <c>[TwilioSms]</c> binding writes to.</param>
    /// <returns>The endpoint builder, for further conventions.</returns>
    public static RouteHandlerBuilder MapDevOutbox(this IEndpointRouteBuilder endpoints, SmsOutbox outbox)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(outbox);
        return endpoints.MapGet(Route, (string? to) => List(outbox, to)).WithName("DevOutbox");
    }

    private static Ok<IReadOnlyList<OutboxMessage>> List(SmsOutbox outbox, string? to) => TypedResults.Ok(outbox.GetMessages(to));
}
