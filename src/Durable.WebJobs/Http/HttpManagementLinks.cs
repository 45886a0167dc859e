using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Extensions.Options;

namespace Durable.WebJobs.Http;

/// <summary>
/// Builds the management links of an instance exactly as Durable Functions does: the authority of the request (or
/// of the webhook URL), the webhook path, <c>/instances/{id escaped as a path segment}</c>, then <c>taskHub</c>, <c>connection</c>
/// and the <c>code</c> the authorizer gives for the instance (else the webhook URL's own query), in that order.
/// </summary>
internal sealed class HttpManagementLinks
{
    private static readonly Uri DefaultWebhookUri = new("http://localhost:7071" + DurableTaskOptions.WebhookPath);
    private readonly DurableTaskOptions options;
    private readonly IDurableHttpAuthorizer authorizer;

    public HttpManagementLinks(IOptions<DurableTaskOptions> options, IDurableHttpAuthorizer authorizer)
    {
        this.options = options.Value;
        this.authorizer = authorizer;
    }

    /// <summary>The task hub of this host.</summary>
    public string HubName => this.options.HubName;

    /// <summary>The connection name of this host's store, as its links carry it.</summary>
    public string ConnectionName => this.options.DefaultConnectionName;

    /// <summary>The webhook URL of the management API, with the system key as query.</summary>
    public Uri WebhookUri => this.options.WebhookUriProviderOverride?.Invoke() ?? DefaultWebhookUri;

    /// <summary><c>scheme://host[:port]</c> of <paramref name="request"/>, the authority its links are built on.</summary>
    public static string Authority(HttpRequest request) => request.Scheme + "://" + request.Host.ToUriComponent();

    /// <summary>The links for <paramref name="instanceId"/>.</summary>
    /// <param name="authority"><c>scheme://host[:port]</c> of the incoming request, or null to use the webhook URL's.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="taskHub">The task hub, or null for the configured one.</param>
    /// <param name="connectionName">The connection name, or null for the configured one.</param>
    /// <param name="returnInternalServerErrorOnFailure">Adds the flag to the status link.</param>
    public HttpManagementPayload Create(string? authority, string instanceId, string? taskHub, string? connectionName, bool returnInternalServerErrorOnFailure)
    {
        Uri webhook = this.WebhookUri;
        string hostUrl = authority ?? webhook.GetLeftPart(UriPartial.Authority);
        string baseUrl = hostUrl + webhook.AbsolutePath.TrimEnd('/');
        // A path segment, escaped as one (' ' is %20, '+' is %2B), so the API's single decoding gives the id back.
        string instancePrefix = baseUrl + "/instances/" + Uri.EscapeDataString(instanceId);
        string query = "taskHub=" + WebUtility.UrlEncode(string.IsNullOrEmpty(taskHub) ? this.options.HubName : taskHub)
            + "&connection=" + WebUtility.UrlEncode(string.IsNullOrEmpty(connectionName) ? this.options.DefaultConnectionName : connectionName);
        if (this.authorizer.LinkCode(instanceId) is { } code)
        {
            // The host's code for this instance's links (see IDurableHttpAuthorizer).
            query += "&code=" + WebUtility.UrlEncode(code);
        }
        else if (!string.IsNullOrEmpty(webhook.Query))
        {
            query += "&" + webhook.Query.TrimStart('?');
        }

        HttpManagementPayload payload = new()
        {
            Id = instanceId,
            StatusQueryGetUri = instancePrefix + "?" + query,
            SendEventPostUri = instancePrefix + "/raiseEvent/{eventName}?" + query,
            TerminatePostUri = instancePrefix + "/terminate?reason={text}&" + query,
            RewindPostUri = instancePrefix + "/rewind?reason={text}&" + query,
            PurgeHistoryDeleteUri = instancePrefix + "?" + query,
            RestartPostUri = instancePrefix + "/restart?" + query,
            SuspendPostUri = instancePrefix + "/suspend?reason={text}&" + query,
            ResumePostUri = instancePrefix + "/resume?reason={text}&" + query,
        };

        if (returnInternalServerErrorOnFailure)
        {
            payload.StatusQueryGetUri += "&returnInternalServerErrorOnFailure=true";
        }

        return payload;
    }
}
