using Durable.Core;
using Durable.Core.Client;
using Durable.Core.Storage;
using Durable.WebJobs.Presentation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Newtonsoft.Json.Linq;

namespace Durable.WebJobs.Http;

/// <summary>The per-instance and hub-wide operations: status, list, events, terminate/suspend/resume, rewind, purge.</summary>
internal sealed partial class DurableTaskHttpApi
{
    private async Task<DurableResponse> GetStatusAsync(HttpRequest request, string instanceId, CancellationToken cancellationToken)
    {
        IQueryCollection query = request.Query;
        bool showHistory = this.ReadBool(query, "showHistory") ?? false;
        bool showHistoryOutput = this.ReadBool(query, "showHistoryOutput") ?? false;
        bool showInput = this.ReadBool(query, "showInput") ?? true;
        bool returnInternalServerErrorOnFailure = this.ReadBool(query, "returnInternalServerErrorOnFailure") ?? false;

        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        OrchestrationMetadata? status = await client.GetStatusAsync(instanceId, showHistory, showInput, cancellationToken).ConfigureAwait(false);
        return status is null
            ? UnknownInstance(instanceId)
            : DurableResponse.Status(DurableStatuses.From(status, showHistoryOutput, showInput), returnInternalServerErrorOnFailure, request.GetEncodedUrl());
    }

    private async Task<DurableResponse> RaiseEventAsync(HttpRequest request, string instanceId, string eventName, CancellationToken cancellationToken)
    {
        // The body is checked first: a bad request is refused the same way whatever the instance's state.
        if (!IsJson(request.ContentType))
        {
            return DurableResponse.Error(StatusCodes.Status400BadRequest, "Only application/json request content is supported", "Content-Type");
        }

        JToken eventData = ParseJson(await this.ReadBodyAsync(request, this.EventPayloadLimit, cancellationToken).ConfigureAwait(false));

        // Nothing is read first: the store decides whether the instance exists and still runs, and counts its events
        // (history and inbox) and inserts in one transaction, so the cap holds across hosts. Only a refusal as finished
        // reads the instance row, to name its status.
        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        EnqueueResult result = await client.RaiseEventAsync(instanceId, eventName, eventData, this.options.MaxEventsPerInstance, cancellationToken).ConfigureAwait(false);
        switch (result)
        {
            case EnqueueResult.LimitReached:
                return DurableResponse.Error(
                    StatusCodes.Status429TooManyRequests,
                    $"Orchestration instance '{instanceId}' has received the most events one instance accepts ({this.options.MaxEventsPerInstance}).",
                    "eventName");
            case EnqueueResult.Gone:
                OrchestrationMetadata? status = await client.GetStatusAsync(instanceId, showInput: false, cancellationToken: cancellationToken).ConfigureAwait(false);
                return Finished(instanceId, status?.RuntimeStatus);
            default:
                return Enqueued(instanceId, result);
        }
    }

    private async Task<DurableResponse> SendAsync(string instanceId, Func<DurableClient, CancellationToken, Task<EnqueueResult>> send, CancellationToken cancellationToken)
    {
        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        OrchestrationMetadata? status = await client.GetStatusAsync(instanceId, showInput: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            return UnknownInstance(instanceId);
        }

        if (status.RuntimeStatus.IsTerminal())
        {
            return Finished(instanceId, status.RuntimeStatus);
        }

        try
        {
            return Enqueued(instanceId, await send(client, cancellationToken).ConfigureAwait(false));
        }
        catch (InvalidOperationException e)
        {
            // Suspend of a suspended instance, resume of a running one: Durable Functions answers 500; the state is
            // the caller's problem, so we say 409 and why.
            return DurableResponse.Error(StatusCodes.Status409Conflict, e.Message, "instanceId");
        }
    }

    private async Task<DurableResponse> RewindAsync(string instanceId, string? reason, CancellationToken cancellationToken)
    {
        // Durable Functions: 404 unknown, 410 finished other than Failed, 202 for Failed; a live instance makes its client
        // throw, so 500 there. We answer that one 409, as for suspend and resume: the state is the caller's problem.
        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await client.RewindAsync(instanceId, reason, cancellationToken).ConfigureAwait(false) switch
            {
                EnqueueResult.Accepted => new DurableResponse(StatusCodes.Status202Accepted),
                EnqueueResult.NotFound => UnknownInstance(instanceId),
                _ => DurableResponse.Error(
                    StatusCodes.Status410Gone,
                    $"Orchestration instance '{instanceId}' has finished without failing: only orchestrations in the Failed state can be rewound.",
                    "instanceId"),
            };
        }
        catch (InvalidOperationException e)
        {
            return DurableResponse.Error(StatusCodes.Status409Conflict, e.Message, "instanceId");
        }
    }

    private async Task<DurableResponse> PurgeOneAsync(string instanceId, CancellationToken cancellationToken)
    {
        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        OrchestrationMetadata? status = await client.GetStatusAsync(instanceId, showInput: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            return UnknownInstance(instanceId);
        }

        if (!status.RuntimeStatus.IsTerminal())
        {
            return DurableResponse.Error(
                StatusCodes.Status412PreconditionFailed,
                $"Only orchestrations in a terminal state can be purged, but the orchestration with instance ID {instanceId} has status {(OrchestrationRuntimeStatus)(int)status.RuntimeStatus}",
                "instanceId");
        }

        int deleted = await client.PurgeInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        return deleted == 0 ? UnknownInstance(instanceId) : new DurableResponse(StatusCodes.Status200OK, new JObject { ["instancesDeleted"] = deleted });
    }

    private async Task<DurableResponse> PurgeManyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        IQueryCollection query = request.Query;
        if (string.IsNullOrEmpty(query["createdTimeFrom"].FirstOrDefault()))
        {
            // Durable Functions' words; it sends them as a bare JSON string, we in the error object every error has.
            return DurableResponse.Error(StatusCodes.Status400BadRequest, "Please provide value for 'createdTimeFrom' parameter.", "createdTimeFrom");
        }

        DateTimeOffset from = ReadTime(query, "createdTimeFrom")!.Value;
        PurgeFilter filter = new(from, ReadTime(query, "createdTimeTo") ?? DateTimeOffset.UtcNow, ReadStatuses(query));
        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        int deleted = await client.PurgeInstancesAsync(filter, cancellationToken).ConfigureAwait(false);
        return deleted == 0
            ? DurableResponse.Error(StatusCodes.Status404NotFound, "No finished orchestration instance matches the purge filter.")
            : new DurableResponse(StatusCodes.Status200OK, new JObject { ["instancesDeleted"] = deleted });
    }

    private async Task<DurableResponse> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        IQueryCollection query = request.Query;
        string? continuation = request.Headers[ContinuationTokenHeader].FirstOrDefault();
        string? storeToken = string.IsNullOrEmpty(continuation) ? null
            : this.continuationTokens.Verify(continuation)
                ?? throw new DurableInputException(StatusCodes.Status400BadRequest, "The continuation token is not one this API issued: pass the token returned with the previous page, unchanged.", ContinuationTokenHeader);
        InstanceQuery instanceQuery = new()
        {
            Statuses = ReadStatuses(query),
            CreatedFrom = ReadTime(query, "createdTimeFrom"),
            CreatedTo = ReadTime(query, "createdTimeTo"),
            InstanceIdPrefix = ReadPrefix(query),
            PageSize = ReadTop(query),
            Descending = ReadDescending(query),
            ContinuationToken = storeToken,
        };
        bool showInput = this.ReadBool(query, "showInput") ?? true;

        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        OrchestrationMetadataPage page;
        try
        {
            page = await client.ListInstancesAsync(instanceQuery, showInput, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e) when (instanceQuery.ContinuationToken is not null)
        {
            // Signed by this host's secret, so an older build's token or one from the other orderBy: refused, with the store's reason.
            throw new DurableInputException(StatusCodes.Status400BadRequest, $"The continuation token is not one this API issued: {e.Message}", ContinuationTokenHeader);
        }

        JArray body = [.. page.Instances.Select(s => DurableJson.StatusBody(DurableStatuses.From(s)))];

        // Always present, as in Durable Functions; empty means there is no further page.
        return new DurableResponse(StatusCodes.Status200OK, body, new Dictionary<string, string> { [ContinuationTokenHeader] = page.ContinuationToken is { } next ? this.continuationTokens.Sign(next) : string.Empty });
    }

    private static DurableResponse Enqueued(string instanceId, EnqueueResult result) => result switch
    {
        EnqueueResult.Accepted => new DurableResponse(StatusCodes.Status202Accepted),
        EnqueueResult.NotFound => UnknownInstance(instanceId),
        _ => Finished(instanceId, null),
    };
}
