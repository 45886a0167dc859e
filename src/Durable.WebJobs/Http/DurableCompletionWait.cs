using Durable.Core.Client;
using Durable.WebJobs.Presentation;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Newtonsoft.Json.Linq;

namespace Durable.WebJobs.Http;

/// <summary>
/// Wait-or-202, as Durable Functions answers it: the output when the instance completes in time, the status when it
/// fails or is terminated, else the check-status response. Used by the built-in start and by the client binding's
/// <c>WaitForCompletionOrCreateCheckStatusResponseAsync</c>.
/// </summary>
internal static class DurableCompletionWait
{
    /// <summary>Durable Functions' default total wait.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Durable Functions' default polling interval.</summary>
    public static readonly TimeSpan DefaultRetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>Waits up to <paramref name="timeout"/> for the instance and answers as Durable Functions does.</summary>
    /// <param name="client">The engine's client.</param>
    /// <param name="links">The instance's management links, built only when the answer is a check-status response.</param>
    /// <param name="requestUrl">The URL the status response's <c>Location</c> names.</param>
    /// <param name="instanceId">The instance.</param>
    /// <param name="timeout">Total wait, or null for the default.</param>
    /// <param name="retryInterval">Polling interval, or null for the default; checked against the timeout only.</param>
    /// <param name="returnInternalServerErrorOnFailure">Answer 500 for a Failed instance.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    public static async Task<DurableResponse> WaitAsync(DurableClient client, Func<HttpManagementPayload> links, string requestUrl, string instanceId, TimeSpan? timeout, TimeSpan? retryInterval, bool returnInternalServerErrorOnFailure, CancellationToken cancellationToken)
    {
        TimeSpan total = timeout ?? DefaultTimeout;
        TimeSpan interval = retryInterval ?? DefaultRetryInterval;
        if (interval > total)
        {
            throw new ArgumentException($"Total timeout {total.TotalSeconds} should be bigger than retry timeout {interval.TotalSeconds}");
        }

        // The engine wakes on completion committed by this host and polls for other hosts, so the interval is not needed.
        OrchestrationMetadata? status = await client.WaitForCompletionAsync(instanceId, total, cancellationToken).ConfigureAwait(false);
        switch (status?.RuntimeStatus)
        {
            case Durable.Core.OrchestrationStatus.Completed:
                return new DurableResponse(StatusCodes.Status200OK, Durable.Core.Serialization.JsonDataConverter.ToToken(status.OutputJson) ?? JValue.CreateNull());
            case Durable.Core.OrchestrationStatus.Failed:
            case Durable.Core.OrchestrationStatus.Terminated:
            case Durable.Core.OrchestrationStatus.Canceled:
                return DurableResponse.Status(DurableStatuses.From(status), returnInternalServerErrorOnFailure, requestUrl);
            default:
                return DurableResponse.CheckStatus(links());
        }
    }
}
