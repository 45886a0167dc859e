using Microsoft.AspNetCore.Http;

namespace Durable.WebJobs.Http;

/// <summary>
/// Decides who may use the management API and which <c>code</c> the handed-out links carry. The host registers one
/// backed by its keys; without one, every request is allowed (as <c>func start</c> does) and links carry the
/// webhook URL's query.
/// </summary>
public interface IDurableHttpAuthorizer
{
    /// <summary>The access of <paramref name="request"/>, whose path names <paramref name="instanceId"/> (null for hub-wide operations).</summary>
    /// <param name="request">The request, with its <c>code</c> query parameter or <c>x-functions-key</c> header.</param>
    /// <param name="instanceId">The instance the path addresses, or null.</param>
    /// <returns>What the request may do.</returns>
    DurableHttpAccess Authorize(HttpRequest request, string? instanceId);

    /// <summary>The <c>code</c> for the links of <paramref name="instanceId"/>, or null to use the webhook URL's query.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <returns>The code, or null.</returns>
    string? LinkCode(string instanceId);
}

/// <summary>The default: no keys, every request may do everything (local development, as <c>func start</c>).</summary>
internal sealed class OpenDurableHttpAuthorizer : IDurableHttpAuthorizer
{
    public DurableHttpAccess Authorize(HttpRequest request, string? instanceId) => DurableHttpAccess.Full;

    public string? LinkCode(string instanceId) => null;
}
