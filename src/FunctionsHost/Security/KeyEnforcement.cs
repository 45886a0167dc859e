using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FunctionsHost.Security;

/// <summary>
/// Whether keys are checked. As <c>func start</c>, a developer's host in Development that listens on loopback only
/// skips them; any other address (a LAN interface, <c>0.0.0.0</c>, <c>*</c>), any other environment, or
/// <c>FunctionsHostEnableAuth=true</c> enforces them. Decided from the addresses the server really bound, once it
/// listens; until then keys are enforced (requests wait for the start anyway).
/// </summary>
internal sealed class KeyEnforcement
{
    private readonly bool development;
    private readonly bool enableAuth;
    private readonly IServer server;
    private readonly Lock gate = new();
    private (bool Enforced, string Reason)? decision;

    public KeyEnforcement(bool development, bool enableAuth, IServer server)
    {
        this.development = development;
        this.enableAuth = enableAuth;
        this.server = server;
    }

    /// <summary>Whether requests need keys (decided on first use, when the server listens).</summary>
    public bool Enforced => this.Decide().Enforced;

    /// <summary>The decision and the start-up line that says it.</summary>
    public (bool Enforced, string Reason) Decide()
    {
        lock (this.gate)
        {
            if (this.decision is { } made)
            {
                return made;
            }

            ICollection<string> addresses = this.server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            if (addresses.Count == 0)
            {
                // Not listening yet: enforce, and decide again later.
                return (true, "Keys: enforced (the host does not listen yet).");
            }

            this.decision = Rule(this.development, this.enableAuth, addresses);
            return this.decision.Value;
        }
    }

    /// <summary>The rule itself: (keys enforced, the sentence the host prints).</summary>
    internal static (bool Enforced, string Reason) Rule(bool development, bool enableAuth, IEnumerable<string> addresses)
    {
        if (enableAuth)
        {
            return (true, "Keys: enforced (FunctionsHostEnableAuth=true).");
        }

        if (!development)
        {
            return (true, "Keys: enforced (the environment is not Development).");
        }

        string? exposed = addresses.FirstOrDefault(a => !IsLoopback(a));
        return exposed is null
            ? (false, "Keys: NOT enforced: Development on loopback only, as func start. Any other address, environment or FunctionsHostEnableAuth=true enforces them.")
            : (true, $"Keys: enforced (listening on {exposed}, which is not loopback).");
    }

    /// <summary>True for <c>localhost</c>, 127.0.0.0/8 and ::1; false for wildcards (<c>+</c>, <c>*</c>, 0.0.0.0, ::) and any other host.</summary>
    internal static bool IsLoopback(string address)
    {
        string normalized = address.Replace("://+", "://wildcard.invalid", StringComparison.Ordinal).Replace("://*", "://wildcard.invalid", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out Uri? uri))
        {
            return false;
        }

        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip);
    }
}
