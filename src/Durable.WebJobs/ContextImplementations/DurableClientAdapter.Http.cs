using System.Net.Http;
using Durable.Core.Client;
using Durable.WebJobs.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;

namespace Durable.WebJobs.ContextImplementations;

/// <summary>The HTTP helpers of the client: check-status responses and management links.</summary>
internal sealed partial class DurableClientAdapter
{
    public HttpResponseMessage CreateCheckStatusResponse(HttpRequestMessage request, string instanceId, bool returnInternalServerErrorOnFailure = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        return DurableResponse.CheckStatus(this.Links(Authority(request), instanceId, returnInternalServerErrorOnFailure)).ToResponseMessage();
    }

    public IActionResult CreateCheckStatusResponse(HttpRequest request, string instanceId, bool returnInternalServerErrorOnFailure = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        return DurableResponse.CheckStatus(this.Links(Authority(request), instanceId, returnInternalServerErrorOnFailure)).ToActionResult();
    }

    public HttpManagementPayload CreateHttpManagementPayload(string instanceId) => this.Links(null, instanceId, false);

    public async Task<HttpResponseMessage> WaitForCompletionOrCreateCheckStatusResponseAsync(HttpRequestMessage request, string instanceId, TimeSpan? timeout = null, TimeSpan? retryInterval = null, bool returnInternalServerErrorOnFailure = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        DurableResponse response = await this.WaitAsync(Authority(request), request.RequestUri?.ToString() ?? string.Empty, instanceId, timeout, retryInterval, returnInternalServerErrorOnFailure, CancellationToken.None).ConfigureAwait(false);
        return response.ToResponseMessage();
    }

    public async Task<IActionResult> WaitForCompletionOrCreateCheckStatusResponseAsync(HttpRequest request, string instanceId, TimeSpan? timeout = null, TimeSpan? retryInterval = null, bool returnInternalServerErrorOnFailure = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        DurableResponse response = await this.WaitAsync(Authority(request), request.GetEncodedUrl(), instanceId, timeout, retryInterval, returnInternalServerErrorOnFailure, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return response.ToActionResult();
    }

    private async Task<DurableResponse> WaitAsync(string? authority, string requestUrl, string instanceId, TimeSpan? timeout, TimeSpan? retryInterval, bool returnInternalServerErrorOnFailure, CancellationToken cancellationToken)
    {
        DurableClient client = await this.ClientAsync(cancellationToken).ConfigureAwait(false);
        return await DurableCompletionWait.WaitAsync(client, () => this.Links(authority, instanceId, returnInternalServerErrorOnFailure), requestUrl, instanceId, timeout, retryInterval, returnInternalServerErrorOnFailure, cancellationToken).ConfigureAwait(false);
    }

    private static string Authority(HttpRequest request) => HttpManagementLinks.Authority(request);

    private static string? Authority(HttpRequestMessage request) => request.RequestUri?.GetLeftPart(UriPartial.Authority);

    private HttpManagementPayload Links(string? authority, string instanceId, bool returnInternalServerErrorOnFailure)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return this.links.Create(authority, instanceId, this.TaskHubName, this.connectionName, returnInternalServerErrorOnFailure);
    }
}
