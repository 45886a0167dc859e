using System.Net.Http;
using Durable.Core;
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

    /// <summary>The wait-or-202 logic shared with the built-in start endpoint.</summary>
    internal async Task<DurableResponse> WaitAsync(string? authority, string requestUrl, string instanceId, TimeSpan? timeout, TimeSpan? retryInterval, bool returnInternalServerErrorOnFailure, CancellationToken cancellationToken)
    {
        TimeSpan total = timeout ?? DefaultWaitTimeout;
        TimeSpan interval = retryInterval ?? DefaultRetryInterval;
        if (interval > total)
        {
            throw new ArgumentException($"Total timeout {total.TotalSeconds} should be bigger than retry timeout {interval.TotalSeconds}");
        }

        // The engine wakes on completion committed by this host and polls for other hosts, so the interval is not needed.
        DurableClient client = await this.ClientAsync(cancellationToken).ConfigureAwait(false);
        OrchestrationStatus? status = await client.WaitForCompletionAsync(instanceId, total, cancellationToken).ConfigureAwait(false);
        switch (status?.RuntimeStatus)
        {
            case Durable.Core.OrchestrationRuntimeStatus.Completed:
                return new DurableResponse(StatusCodes.Status200OK, status.Output ?? Newtonsoft.Json.Linq.JValue.CreateNull());
            case Durable.Core.OrchestrationRuntimeStatus.Failed:
            case Durable.Core.OrchestrationRuntimeStatus.Terminated:
            case Durable.Core.OrchestrationRuntimeStatus.Canceled:
                return DurableResponse.Status(ToStatus(status), returnInternalServerErrorOnFailure, requestUrl);
            default:
                return DurableResponse.CheckStatus(this.Links(authority, instanceId, returnInternalServerErrorOnFailure));
        }
    }

    internal static string Authority(HttpRequest request) => request.Scheme + "://" + request.Host.ToUriComponent();

    private static string? Authority(HttpRequestMessage request) => request.RequestUri?.GetLeftPart(UriPartial.Authority);

    private HttpManagementPayload Links(string? authority, string instanceId, bool returnInternalServerErrorOnFailure)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return this.links.Create(authority, instanceId, this.TaskHubName, this.connectionName, returnInternalServerErrorOnFailure);
    }
}
