using System.Net;
using FunctionsHost.Http;

namespace FunctionsHost.Security;

/// <summary>
/// What stands in for keys on a keyless host (Development on loopback): the request must name a loopback host, so a
/// page whose DNS name was re-bound to 127.0.0.1 cannot reach the API (as dev servers' allowed-hosts checks), and a
/// browser request from a page of another origin is refused, so nobody's page can start a verification through the
/// developer's Twilio account, raise an event or terminate an instance. No CORS is served: a cross-origin page gets no
/// preflight approval either. Hosts that enforce keys skip the check: the key is the proof.
/// </summary>
internal static class KeylessRequestCheck
{
    public static IApplicationBuilder UseKeylessRequestCheck(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (!context.RequestServices.GetRequiredService<KeyEnforcement>().Enforced)
            {
                HttpRequest request = context.Request;
                if (!IsLoopbackName(request.Host.Host))
                {
                    await JsonErrors.WriteAsync(
                        context,
                        StatusCodes.Status400BadRequest,
                        "This host runs without keys and answers only requests addressed to localhost, 127.0.0.1 or [::1] (Host header).",
                        field: "Host");
                    return;
                }

                string? origin = request.Headers.Origin.FirstOrDefault();
                if (!string.IsNullOrEmpty(origin) && !IsLoopbackOrigin(origin))
                {
                    await JsonErrors.WriteAsync(
                        context,
                        StatusCodes.Status403Forbidden,
                        "This host runs without keys and refuses requests from pages of other origins.",
                        field: "Origin");
                    return;
                }
            }

            await next(context);
        });

    /// <summary>True for <c>localhost</c>, <c>127.0.0.1</c> and <c>[::1]</c> (the port is not part of <paramref name="host"/>).</summary>
    internal static bool IsLoopbackName(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || host == "127.0.0.1"
        || (host.StartsWith('[') && host.EndsWith(']') && IPAddress.TryParse(host[1..^1], out IPAddress? ip) && ip.Equals(IPAddress.IPv6Loopback));

    private static bool IsLoopbackOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && IsLoopbackName(uri.Host);
}
