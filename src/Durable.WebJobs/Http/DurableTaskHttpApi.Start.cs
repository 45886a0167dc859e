using Durable.Core;
using Durable.Core.Client;
using Durable.Core.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Newtonsoft.Json.Linq;

namespace Durable.WebJobs.Http;

/// <summary>The built-in start and the restart endpoints.</summary>
internal sealed partial class DurableTaskHttpApi
{
    private async Task<DurableResponse> StartAsync(HttpRequest request, string functionName, string? instanceId, CancellationToken cancellationToken)
    {
        // Durable Functions does not look at the content type; we refuse a body not declared as JSON, a missing
        // Content-Type included: a page on another origin can send text without a CORS preflight, never JSON.
        string body = await this.ReadBodyAsync(request, this.options.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body.Length > 0 && !IsJson(request.ContentType))
        {
            throw new DurableInputException(StatusCodes.Status415UnsupportedMediaType, "The orchestration input must be JSON (Content-Type: application/json).", "Content-Type");
        }

        JToken? input = body.Length == 0 ? null : ParseJson(body);
        TimeSpan? timeout = ReadSeconds(request.Query, "timeout");
        TimeSpan? pollingInterval = ReadSeconds(request.Query, "pollingInterval");

        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        string id;
        try
        {
            id = await client.StartNewAsync(functionName, string.IsNullOrEmpty(instanceId) ? null : instanceId, input, cancellationToken).ConfigureAwait(false);
        }
        catch (OrchestrationAlreadyExistsException e)
        {
            return DurableResponse.Error(StatusCodes.Status409Conflict, e.Message, "instanceId");
        }
        catch (ArgumentException e) when (e.ParamName == "orchestratorName")
        {
            // Durable Functions' answer (its ArgumentException handler); the app's HttpStart says 404 for its own route.
            return DurableResponse.Error(StatusCodes.Status400BadRequest, e.Message, "functionName");
        }
        catch (ArgumentException e)
        {
            return DurableResponse.Error(StatusCodes.Status400BadRequest, e.Message, e.ParamName);
        }

        return await this.CheckStatusOrWaitAsync(request, id, timeout, pollingInterval, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DurableResponse> RestartAsync(HttpRequest request, string instanceId, CancellationToken cancellationToken)
    {
        bool newId = this.ReadBool(request.Query, "restartWithNewInstanceId") ?? true;
        TimeSpan? timeout = ReadSeconds(request.Query, "timeout");
        TimeSpan? pollingInterval = ReadSeconds(request.Query, "pollingInterval");

        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        OrchestrationMetadata? status = await client.GetStatusAsync(instanceId, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            return DurableResponse.Error(
                StatusCodes.Status400BadRequest,
                "InstanceId does not match a valid orchestration instance.",
                "instanceId",
                new ArgumentException($"An orchestration with the instanceId {instanceId} was not found."));
        }

        string id;
        try
        {
            id = await client.StartNewAsync(status.Name, newId ? null : instanceId, JsonDataConverter.ToToken(status.InputJson), cancellationToken).ConfigureAwait(false);
        }
        catch (OrchestrationAlreadyExistsException e)
        {
            return DurableResponse.Error(StatusCodes.Status409Conflict, "A non-terminal instance with this instance ID already exists.", "restartWithNewInstanceId", e);
        }

        return await this.CheckStatusOrWaitAsync(request, id, timeout, pollingInterval, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DurableResponse> CheckStatusOrWaitAsync(HttpRequest request, string instanceId, TimeSpan? timeout, TimeSpan? pollingInterval, CancellationToken cancellationToken)
    {
        HttpManagementPayload links = this.links.Create(HttpManagementLinks.Authority(request), instanceId, null, null, false);
        if (timeout is null || pollingInterval is null)
        {
            return DurableResponse.CheckStatus(links);
        }

        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        return await DurableCompletionWait.WaitAsync(client, () => links, links.StatusQueryGetUri, instanceId, timeout, pollingInterval, false, cancellationToken).ConfigureAwait(false);
    }
}
