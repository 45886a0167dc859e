using Durable.Core;
using Durable.Core.Client;
using Durable.Core.Storage;
using Durable.WebJobs.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Durable.WebJobs.Http;

/// <summary>
/// The Durable HTTP management API under <c>/runtime/webhooks/durabletask</c>, with Durable Functions' paths,
/// status codes, headers and JSON (docs/http-api.md). Every request is first authorized
/// (<see cref="IDurableHttpAuthorizer"/>), then its input checked before anything touches the store: a refused
/// request changes nothing. Unknown paths and wrong methods give 404; ArgumentException 400; an unavailable
/// store 503 with Retry-After; anything else 500.
/// </summary>
internal sealed partial class DurableTaskHttpApi
{
    private const string ContinuationTokenHeader = "x-ms-continuation-token";

    private readonly DurableEngineHost host;
    private readonly HttpManagementLinks links;
    private readonly IDurableHttpAuthorizer authorizer;
    private readonly DurableHttpOptions options;
    private readonly SignedContinuationToken continuationTokens;
    private readonly ILogger logger;

    public DurableTaskHttpApi(DurableEngineHost host, HttpManagementLinks links, IDurableHttpAuthorizer authorizer, IOptions<DurableHttpOptions> options, ILoggerFactory loggerFactory)
    {
        this.host = host;
        this.links = links;
        this.authorizer = authorizer;
        this.options = options.Value;
        this.continuationTokens = new SignedContinuationToken(this.options.ContinuationTokenKey);
        this.logger = loggerFactory.CreateLogger("Durable.WebJobs.HttpApi");
    }

    /// <summary>Handles one request whose path is under the webhook base path.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="segments">The path's segments after the base path, each percent-decoded once.</param>
    public async Task HandleAsync(HttpContext context, string[] segments)
    {
        CancellationToken cancellationToken = context.RequestAborted;
        HttpRequest request = context.Request;
        DurableResponse response;
        try
        {
            CheckSingleValues(request);
            response = this.Authorize(request, segments) ?? await this.DispatchAsync(request, segments, cancellationToken).ConfigureAwait(false);
        }
        catch (DurableInputException e)
        {
            response = DurableResponse.Error(e.StatusCode, e.Message, e.Field, e.Detail is null ? null : new FormatException(e.Detail));
        }
        catch (Exception e) when (Find<StoreFailedException>(e) is { } failed)
        {
            // The store stopped for good (a failed fsync): the request may or may not be stored; the host is restarting.
            Logs.ManagementStoreFailed(this.logger, request.Method, request.Path, failed.Message);
            response = DurableResponse.Error(
                StatusCodes.Status503ServiceUnavailable,
                "The durable store has stopped after a failed write to disk: the outcome of this request is unknown (it may or may not have been stored). " +
                "The host is restarting; check the current state before retrying.")
                .WithHeader("Retry-After", this.options.StoreUnavailableRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (StoreUnavailable(e) is { } unavailable)
        {
            // One line, no stack: the store says what is wrong (locked, full, read-only); nothing was written, unless the
            // connection broke while committing, which the answer must not call "nothing changed".
            Logs.ManagementStoreUnavailable(this.logger, request.Method, request.Path, unavailable.Message);
            response = DurableResponse.Error(
                StatusCodes.Status503ServiceUnavailable,
                unavailable.OutcomeUnknown
                    ? "The connection to the durable store was lost while this request was being committed: the outcome of this request is unknown (it may or may not have been stored). Check the current state before retrying."
                    : "The durable store is temporarily unavailable; nothing was changed. Retry after the time in the Retry-After header.")
                .WithHeader("Retry-After", this.options.StoreUnavailableRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (ArgumentException e)
        {
            response = DurableResponse.Error(StatusCodes.Status400BadRequest, "One or more of the arguments submitted is incorrect", e.ParamName, e, this.options.IncludeExceptionDetails);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Logs.ManagementRequestFailed(this.logger, request.Method, request.Path, e);
            response = DurableResponse.Error(StatusCodes.Status500InternalServerError, "Something went wrong while processing your request", null, e, this.options.IncludeExceptionDetails);
        }

        await response.WriteAsync(context.Response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The store's own exception anywhere in the chain (the engine may wrap it).</summary>
    internal static StoreUnavailableException? StoreUnavailable(Exception? exception) => Find<StoreUnavailableException>(exception);

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    // Durable Functions answers these with empty bodies; we name the problem, as every error of this product does.
    // Clients that look only at the status code see no difference.
    private static DurableResponse NotFound() =>
        DurableResponse.Error(StatusCodes.Status404NotFound, "No Durable management API operation matches this method and path.");

    private static DurableResponse UnknownInstance(string instanceId) =>
        DurableResponse.Error(StatusCodes.Status404NotFound, $"No orchestration instance with ID '{instanceId}' exists in this task hub.", "instanceId");

    private static DurableResponse Finished(string instanceId, OrchestrationStatus? status) =>
        DurableResponse.Error(
            StatusCodes.Status410Gone,
            $"Orchestration instance '{instanceId}' has finished{(status is { } s ? $" ({(OrchestrationRuntimeStatus)(int)s})" : string.Empty)}: it no longer accepts events or operations.",
            "instanceId");

    /// <summary>
    /// Null when the request may go on; else 401 (no valid key: says nothing about keys) or 403 (an instance link
    /// used for something only the system key may do).
    /// </summary>
    private DurableResponse? Authorize(HttpRequest request, string[] segments)
    {
        string? instanceId = segments.Length >= 2 && Is(segments[0], "instances") ? segments[1] : null;
        DurableHttpAccess access = this.authorizer.Authorize(request, instanceId);
        if (access == DurableHttpAccess.Full)
        {
            return null;
        }

        if (access == DurableHttpAccess.None)
        {
            return DurableResponse.Error(StatusCodes.Status401Unauthorized, "A valid key is required for the Durable management API.", "code");
        }

        string method = request.Method;
        bool status = segments.Length == 2 && HttpMethods.IsGet(method);
        bool purge = segments.Length == 2 && HttpMethods.IsDelete(method);
        bool control = segments.Length == 3 && HttpMethods.IsPost(method) && (Is(segments[2], "terminate") || Is(segments[2], "suspend") || Is(segments[2], "resume"));
        bool raise = segments.Length == 4 && HttpMethods.IsPost(method) && Is(segments[2], "raiseEvent");
        if (status && (this.ReadBool(request.Query, "showHistoryOutput") ?? false))
        {
            // Activity outputs may hold secrets (the sample's verification code): only the system key shows them.
            return DurableResponse.Error(
                StatusCodes.Status403Forbidden,
                "showHistoryOutput=true needs the durabletask_extension system key or the master key; an instance link shows history without activity outputs.",
                "showHistoryOutput");
        }

        return status || purge || control || raise
            ? null
            : DurableResponse.Error(
                StatusCodes.Status403Forbidden,
                "This operation needs the durabletask_extension system key or the master key; an instance link allows status, events, terminate, suspend, resume and purge of its own instance.",
                "code");
    }

    private Task<DurableResponse> DispatchAsync(HttpRequest request, string[] segments, CancellationToken cancellationToken)
    {
        string method = request.Method;
        this.CheckCommonInput(request);
        if (segments.Length is 2 or 3 && Is(segments[0], "orchestrators"))
        {
            return HttpMethods.IsPost(method)
                ? this.StartAsync(request, segments[1], segments.Length == 3 ? CheckInstanceId(segments[2]) : null, cancellationToken)
                : Task.FromResult(NotFound());
        }

        if (segments.Length == 0 || !Is(segments[0], "instances"))
        {
            return Task.FromResult(NotFound());
        }

        if (segments.Length >= 2)
        {
            CheckInstanceId(segments[1]);
        }

        return segments.Length switch
        {
            1 when HttpMethods.IsGet(method) => this.ListAsync(request, cancellationToken),
            1 when HttpMethods.IsDelete(method) => this.PurgeManyAsync(request, cancellationToken),
            2 when HttpMethods.IsGet(method) => this.GetStatusAsync(request, segments[1], cancellationToken),
            2 when HttpMethods.IsDelete(method) => this.PurgeOneAsync(segments[1], cancellationToken),
            3 when HttpMethods.IsPost(method) && HasBody(request) && !IsJson(request.ContentType) => throw new DurableInputException(
                StatusCodes.Status415UnsupportedMediaType, "A request body must be JSON (Content-Type: application/json); these operations need none.", "Content-Type"),
            3 when HttpMethods.IsPost(method) => this.OperationAsync(request, segments[1], segments[2], cancellationToken),
            4 when HttpMethods.IsPost(method) && Is(segments[2], "raiseEvent") => this.RaiseEventAsync(request, segments[1], CheckEventName(segments[3]), cancellationToken),
            _ => Task.FromResult(NotFound()),
        };
    }

    private Task<DurableResponse> OperationAsync(HttpRequest request, string instanceId, string operation, CancellationToken cancellationToken)
    {
        if (Is(operation, "terminate"))
        {
            string? reason = ReadReason(request);
            return this.SendAsync(instanceId, (client, ct) => client.TerminateAsync(instanceId, reason, ct), cancellationToken);
        }

        if (Is(operation, "suspend"))
        {
            string? reason = ReadReason(request);
            return this.SendAsync(instanceId, (client, ct) => client.SuspendAsync(instanceId, reason, ct), cancellationToken);
        }

        if (Is(operation, "resume"))
        {
            string? reason = ReadReason(request);
            return this.SendAsync(instanceId, (client, ct) => client.ResumeAsync(instanceId, reason, ct), cancellationToken);
        }

        if (Is(operation, "restart"))
        {
            return this.RestartAsync(request, instanceId, cancellationToken);
        }

        if (Is(operation, "rewind"))
        {
            string? reason = ReadReason(request);
            return this.RewindAsync(instanceId, reason, cancellationToken);
        }

        return Task.FromResult(NotFound());
    }

    private static bool Is(string segment, string name) => string.Equals(segment, name, StringComparison.OrdinalIgnoreCase);
}
