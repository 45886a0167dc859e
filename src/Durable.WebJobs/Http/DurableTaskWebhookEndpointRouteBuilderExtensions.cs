using Microsoft.AspNetCore.Http.Features;
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

            return api.HandleAsync(context, Segments(context.Request));
        }).WithDisplayName("Durable management API");
    }

    /// <summary>
    /// The path's segments after the webhook path, each percent-decoded exactly once: split on '/' first (so an
    /// encoded '/' stays inside its segment), then decoded as a URI segment ('+' stays '+'). The server has already
    /// decoded <see cref="HttpRequest.Path"/> (all but %2F), so it is read from the raw request target when there is one;
    /// decoding it again turned an instance id <c>abc+def</c> into <c>abc def</c> and <c>a%2525b</c> into <c>a%b</c>.
    /// </summary>
    internal static string[] Segments(HttpRequest request)
    {
        string? raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        string path;
        if (raw is { Length: > 0 } && raw[0] == '/')
        {
            int query = raw.IndexOfAny(['?', '#']);
            path = query < 0 ? raw : raw[..query];
            string prefix = request.PathBase.ToUriComponent() + DurableTaskOptions.WebhookPath;
            path = path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? path[prefix.Length..] : path;
        }
        else
        {
            // No raw target (an in-memory server): the decoded path, as escaped text again.
            path = request.Path.ToUriComponent()[DurableTaskOptions.WebhookPath.Length..];
        }

        path = path.Trim('/');
        return path.Length == 0 ? [] : [.. path.Split('/').Select(Uri.UnescapeDataString)];
    }
}
