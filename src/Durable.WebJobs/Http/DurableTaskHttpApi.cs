using System.Net;
using Durable.Core;
using Durable.Core.Client;
using Durable.Core.Storage;
using Durable.WebJobs.ContextImplementations;
using Durable.WebJobs.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using DurableStatus = Microsoft.Azure.WebJobs.Extensions.DurableTask.OrchestrationRuntimeStatus;

namespace Durable.WebJobs.Http;

/// <summary>
/// The Durable HTTP management API under <c>/runtime/webhooks/durabletask</c>, with Durable Functions' paths,
/// status codes, headers and JSON (see durable-http-api.md §1–3). Dispatch mirrors Durable Functions' handler:
/// unknown paths and wrong methods give 404 with an empty body; ArgumentException gives 400, anything else 500.
/// </summary>
internal sealed partial class DurableTaskHttpApi
{
    private const string ContinuationTokenHeader = "x-ms-continuation-token";

    private readonly DurableEngineHost host;
    private readonly HttpManagementLinks links;
    private readonly ILogger logger;

    public DurableTaskHttpApi(DurableEngineHost host, HttpManagementLinks links, ILoggerFactory loggerFactory)
    {
        this.host = host;
        this.links = links;
        this.logger = loggerFactory.CreateLogger("Durable.WebJobs.HttpApi");
    }

    /// <summary>Handles one request whose path is under the webhook base path.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="path">The path after the base path, without leading or trailing slashes (URL-decoded).</param>
    public async Task HandleAsync(HttpContext context, string path)
    {
        CancellationToken cancellationToken = context.RequestAborted;
        DurableResponse response;
        try
        {
            response = await this.DispatchAsync(context.Request, path, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            response = DurableResponse.Error(StatusCodes.Status400BadRequest, "One or more of the arguments submitted is incorrect", e);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Logs.ManagementRequestFailed(this.logger, context.Request.Method, context.Request.Path, e);
            response = DurableResponse.Error(StatusCodes.Status500InternalServerError, "Something went wrong while processing your request", e);
        }

        await response.WriteAsync(context.Response, cancellationToken).ConfigureAwait(false);
    }

    // Durable Functions answers these with empty bodies; we name the problem, as every error of this product does.
    // Clients that look only at the status code see no difference.
    private static DurableResponse NotFound() =>
        DurableResponse.Error(StatusCodes.Status404NotFound, "No Durable management API operation matches this method and path.");

    private static DurableResponse UnknownInstance(string instanceId) =>
        DurableResponse.Error(StatusCodes.Status404NotFound, $"No orchestration instance with ID '{instanceId}' exists in this task hub.");

    private static DurableResponse Finished(string instanceId, OrchestrationRuntimeStatus? status) =>
        DurableResponse.Error(
            StatusCodes.Status410Gone,
            $"Orchestration instance '{instanceId}' has finished{(status is { } s ? $" ({(DurableStatus)(int)s})" : string.Empty)}: it no longer accepts events or operations.");

    private Task<DurableResponse> DispatchAsync(HttpRequest request, string path, CancellationToken cancellationToken)
    {
        string[] segments = path.Length == 0 ? [] : path.Split('/');
        string method = request.Method;
        if (segments.Length is 2 or 3 && Is(segments[0], "orchestrators"))
        {
            return HttpMethods.IsPost(method)
                ? this.StartAsync(request, segments[1], segments.Length == 3 ? segments[2] : null, cancellationToken)
                : Task.FromResult(NotFound());
        }

        if (segments.Length == 0 || !Is(segments[0], "instances"))
        {
            return Task.FromResult(NotFound());
        }

        return segments.Length switch
        {
            1 when HttpMethods.IsGet(method) => this.ListAsync(request, cancellationToken),
            1 when HttpMethods.IsDelete(method) => this.PurgeManyAsync(request, cancellationToken),
            2 when HttpMethods.IsGet(method) => this.GetStatusAsync(request, segments[1], cancellationToken),
            2 when HttpMethods.IsDelete(method) => this.PurgeOneAsync(segments[1], cancellationToken),
            3 when HttpMethods.IsPost(method) => this.OperationAsync(request, segments[1], segments[2], cancellationToken),
            4 when HttpMethods.IsPost(method) && Is(segments[2], "raiseEvent") => this.RaiseEventAsync(request, segments[1], segments[3], cancellationToken),
            _ => Task.FromResult(NotFound()),
        };
    }

    private Task<DurableResponse> OperationAsync(HttpRequest request, string instanceId, string operation, CancellationToken cancellationToken)
    {
        string? reason = request.Query["reason"].FirstOrDefault();
        if (Is(operation, "terminate"))
        {
            return this.SendAsync(instanceId, (client, ct) => client.TerminateAsync(instanceId, reason, ct), cancellationToken);
        }

        if (Is(operation, "suspend"))
        {
            return this.SendAsync(instanceId, (client, ct) => client.SuspendAsync(instanceId, reason, ct), cancellationToken);
        }

        if (Is(operation, "resume"))
        {
            return this.SendAsync(instanceId, (client, ct) => client.ResumeAsync(instanceId, reason, ct), cancellationToken);
        }

        if (Is(operation, "restart"))
        {
            return this.RestartAsync(request, instanceId, cancellationToken);
        }

        if (Is(operation, "rewind"))
        {
            return this.RewindAsync(instanceId, cancellationToken);
        }

        return Task.FromResult(NotFound());
    }

    private async Task<DurableResponse> GetStatusAsync(HttpRequest request, string instanceId, CancellationToken cancellationToken)
    {
        IQueryCollection query = request.Query;
        bool showHistory = ReadBool(query, "showHistory") ?? false;
        bool showHistoryOutput = ReadBool(query, "showHistoryOutput") ?? false;
        bool showInput = ReadBool(query, "showInput") ?? true;
        bool returnInternalServerErrorOnFailure = ReadBool(query, "returnInternalServerErrorOnFailure") ?? false;

        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        OrchestrationStatus? status = await client.GetStatusAsync(instanceId, showHistory, showHistoryOutput, showInput, cancellationToken).ConfigureAwait(false);
        return status is null
            ? UnknownInstance(instanceId)
            : DurableResponse.Status(DurableClientAdapter.ToStatus(status), returnInternalServerErrorOnFailure, request.GetEncodedUrl());
    }

    private async Task<DurableResponse> RaiseEventAsync(HttpRequest request, string instanceId, string eventName, CancellationToken cancellationToken)
    {
        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        OrchestrationStatus? status = await client.GetStatusAsync(instanceId, showInput: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            return UnknownInstance(instanceId);
        }

        if (status.RuntimeStatus.IsTerminal())
        {
            return Finished(instanceId, status.RuntimeStatus);
        }

        if (!IsJson(request.ContentType))
        {
            return DurableResponse.Error(StatusCodes.Status400BadRequest, "Only application/json request content is supported");
        }

        JToken eventData;
        try
        {
            eventData = ParseJson(await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false));
        }
        catch (JsonReaderException e)
        {
            return DurableResponse.Error(StatusCodes.Status400BadRequest, "Invalid JSON content", e);
        }

        // The status check above is advisory; the store decides atomically (the instance may finish meanwhile).
        return Enqueued(instanceId, await client.RaiseEventAsync(instanceId, eventName, eventData, cancellationToken).ConfigureAwait(false));
    }

    private async Task<DurableResponse> SendAsync(string instanceId, Func<DurableClient, CancellationToken, Task<EnqueueResult>> send, CancellationToken cancellationToken)
    {
        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        OrchestrationStatus? status = await client.GetStatusAsync(instanceId, showInput: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            return UnknownInstance(instanceId);
        }

        if (status.RuntimeStatus.IsTerminal())
        {
            return Finished(instanceId, status.RuntimeStatus);
        }

        return Enqueued(instanceId, await send(client, cancellationToken).ConfigureAwait(false));
    }

    private async Task<DurableResponse> RewindAsync(string instanceId, CancellationToken cancellationToken)
    {
        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        OrchestrationStatus? status = await client.GetStatusAsync(instanceId, showInput: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            return new DurableResponse(StatusCodes.Status404NotFound, JValue.CreateString($"No orchestration with instance ID \"{instanceId}\" found."));
        }

        if (status.RuntimeStatus != OrchestrationRuntimeStatus.Failed)
        {
            return new DurableResponse(
                StatusCodes.Status412PreconditionFailed,
                JValue.CreateString($"This orchestration has status {(DurableStatus)(int)status.RuntimeStatus}, but only orchestrations in the \"Failed\" state can be rewound."));
        }

        return DurableResponse.Error(StatusCodes.Status501NotImplemented, "Rewind is not supported by the underlying storage provider.");
    }

    private async Task<DurableResponse> PurgeOneAsync(string instanceId, CancellationToken cancellationToken)
    {
        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        OrchestrationStatus? status = await client.GetStatusAsync(instanceId, showInput: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            return UnknownInstance(instanceId);
        }

        if (!status.RuntimeStatus.IsTerminal())
        {
            return new DurableResponse(
                StatusCodes.Status412PreconditionFailed,
                JValue.CreateString($"Only orchestrations in a terminal state can be purged, but the orchestration with instance ID {instanceId} has status {(DurableStatus)(int)status.RuntimeStatus}"));
        }

        int deleted = await client.PurgeInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        return deleted == 0 ? UnknownInstance(instanceId) : new DurableResponse(StatusCodes.Status200OK, new JObject { ["instancesDeleted"] = deleted });
    }

    private async Task<DurableResponse> PurgeManyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        IQueryCollection query = request.Query;
        if (ReadTime(query, "createdTimeFrom") is not DateTimeOffset from)
        {
            return new DurableResponse(StatusCodes.Status400BadRequest, JValue.CreateString("Please provide value for 'createdTimeFrom' parameter."));
        }

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
        InstanceQuery instanceQuery = new()
        {
            Statuses = ReadStatuses(query),
            CreatedFrom = ReadTime(query, "createdTimeFrom"),
            CreatedTo = ReadTime(query, "createdTimeTo"),
            InstanceIdPrefix = query["instanceIdPrefix"].FirstOrDefault(),
            PageSize = int.TryParse(query["top"].FirstOrDefault(), out int top) && top > 0 ? top : 100,
            ContinuationToken = string.IsNullOrEmpty(continuation) ? null : continuation,
        };

        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        OrchestrationStatusPage page = await client.ListInstancesAsync(instanceQuery, ReadBool(query, "showInput") ?? true, cancellationToken).ConfigureAwait(false);
        JArray body = [.. page.Instances.Select(s => DurableJson.StatusBody(DurableClientAdapter.ToStatus(s)))];

        // Always present, as in Durable Functions; empty means there is no further page.
        return new DurableResponse(StatusCodes.Status200OK, body, new Dictionary<string, string> { [ContinuationTokenHeader] = page.ContinuationToken ?? string.Empty });
    }

    private static DurableResponse Enqueued(string instanceId, EnqueueResult result) => result switch
    {
        EnqueueResult.Accepted => new DurableResponse(StatusCodes.Status202Accepted),
        EnqueueResult.NotFound => UnknownInstance(instanceId),
        _ => Finished(instanceId, null),
    };

    private static bool Is(string segment, string name) => string.Equals(segment, name, StringComparison.OrdinalIgnoreCase);

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out System.Net.Http.Headers.MediaTypeHeaderValue? media)
        && string.Equals(media.MediaType, "application/json", StringComparison.OrdinalIgnoreCase);
}
