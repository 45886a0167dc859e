using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FunctionsHost;

/// <summary>The host's base URL for output and for management links built without a request.</summary>
internal sealed class HostAddresses
{
    private readonly IServer server;
    private readonly string configured;

    public HostAddresses(IServer server, string? configuredUrls)
    {
        this.server = server;
        this.configured = configuredUrls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "http://localhost:7071";
    }

    /// <summary>
    /// <c>scheme://host:port</c> the host listens on, with wildcard and loopback addresses shown as <c>localhost</c>
    /// (Core Tools sets <c>WEBSITE_HOSTNAME=localhost:{port}</c> likewise).
    /// </summary>
    public string BaseUrl
    {
        get
        {
            string address = this.server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? this.configured;
            if (!Uri.TryCreate(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out Uri? uri))
            {
                return address.TrimEnd('/');
            }

            string host = uri.Host is "127.0.0.1" or "[::1]" or "::1" or "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
            return $"{uri.Scheme}://{host}:{uri.Port}";
        }
    }
}
