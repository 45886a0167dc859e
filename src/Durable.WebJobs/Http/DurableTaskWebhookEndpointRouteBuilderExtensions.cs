using System.Net;
using Durable.WebJobs.Http;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Durable HTTP management API (<c>/runtime/webhooks/durabletask/...</c>).</summary>
public static class DurableTaskWebhookEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every path under <see cref="DurableTaskOptions.WebhookPath"/> to the management API of the Durable
    /// extension registered with <c>AddDurableTask()</c> in <paramref name="services"/> (default: the app's services).
    /// </summary>
    /// <remarks>
    /// Who may do what is decided by the registered <see cref="IDurableHttpAuthorizer"/>: without one every request is
    /// allowed, as with <c>func start</c>; the FunctionsHost registers one backed by its keys.
    /// </remarks>
    /// <param name="endpoints">The web app or route group.</param>
    /// <param name="services">The service provider holding the WebJobs host's services, when it is not the app's.</param>
    /// <returns>The endpoint builder.</returns>
    public static IEndpointConventionBuilder MapDurableTaskWebhooks(this IEndpointRouteBuilder endpoints, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        DurableTaskHttpApi api = (services ?? endpoints.ServiceProvider).GetRequiredService<DurableTaskHttpApi>();
        return endpoints.Map(DurableTaskOptions.WebhookPath + "/{**path}", (HttpContext context) =>
        {
            // The contract's 404s and 410s have empty bodies: keep status-code pages away from them.
            IStatusCodePagesFeature? statusPages = context.Features.Get<IStatusCodePagesFeature>();
            if (statusPages is not null)
            {
                statusPages.Enabled = false;
            }

            string rawPath = context.Request.Path.Value ?? string.Empty;
            string path = WebUtility.UrlDecode(rawPath[DurableTaskOptions.WebhookPath.Length..]).Trim('/');
            return api.HandleAsync(context, path);
        }).WithDisplayName("Durable management API");
    }
}
