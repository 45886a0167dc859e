using System.Globalization;
using Durable.Core;
using Durable.Core.Client;
using Durable.Core.Serialization;
using Durable.WebJobs.ContextImplementations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Durable.WebJobs.Http;

/// <summary>The built-in start and restart endpoints, and the query parsing rules of the management API.</summary>
internal sealed partial class DurableTaskHttpApi
{
    private async Task<DurableResponse> StartAsync(HttpRequest request, string functionName, string? instanceId, CancellationToken cancellationToken)
    {
        JToken? input;
        try
        {
            // Content-Length: 0 means no input; the content type is not checked, as in Durable Functions.
            string body = request.ContentLength == 0 ? string.Empty : await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
            input = body.Length == 0 ? null : ParseJson(body);
        }
        catch (JsonReaderException e)
        {
            return DurableResponse.Error(StatusCodes.Status400BadRequest, "Invalid JSON content", e);
        }

        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        string id;
        try
        {
            id = await client.StartNewAsync(functionName, string.IsNullOrEmpty(instanceId) ? null : instanceId, input, cancellationToken).ConfigureAwait(false);
        }
        catch (OrchestrationAlreadyExistsException e)
        {
            return DurableResponse.Error(StatusCodes.Status409Conflict, e.Message);
        }
        catch (ArgumentException e)
        {
            return DurableResponse.Error(StatusCodes.Status400BadRequest, e.Message);
        }

        return await this.CheckStatusOrWaitAsync(request, id, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DurableResponse> RestartAsync(HttpRequest request, string instanceId, CancellationToken cancellationToken)
    {
        DurableClient client = await this.host.GetClientAsync(cancellationToken).ConfigureAwait(false);
        OrchestrationStatus? status = await client.GetStatusAsync(instanceId, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            return DurableResponse.Error(
                StatusCodes.Status400BadRequest,
                "InstanceId does not match a valid orchestration instance.",
                new ArgumentException($"An orchestration with the instanceId {instanceId} was not found."));
        }

        bool newId = ReadBool(request.Query, "restartWithNewInstanceId") ?? true;
        string id;
        try
        {
            id = await client.StartNewAsync(status.Name, newId ? null : instanceId, status.Input, cancellationToken).ConfigureAwait(false);
        }
        catch (OrchestrationAlreadyExistsException e)
        {
            return DurableResponse.Error(StatusCodes.Status409Conflict, "A non-terminal instance with this instance ID already exists.", e);
        }

        return await this.CheckStatusOrWaitAsync(request, id, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DurableResponse> CheckStatusOrWaitAsync(HttpRequest request, string instanceId, CancellationToken cancellationToken)
    {
        string authority = DurableClientAdapter.Authority(request);
        TimeSpan? timeout = ReadSeconds(request.Query, "timeout");
        TimeSpan? pollingInterval = ReadSeconds(request.Query, "pollingInterval");
        if (timeout is null || pollingInterval is null)
        {
            return DurableResponse.CheckStatus(this.links.Create(authority, instanceId, null, null, false));
        }

        DurableClientAdapter adapter = new(this.host, this.links, null);
        string statusUrl = this.links.Create(authority, instanceId, null, null, false).StatusQueryGetUri;
        return await adapter.WaitAsync(authority, statusUrl, instanceId, timeout, pollingInterval, false, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using StreamReader reader = new(request.Body, leaveOpen: true);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Parses JSON as Durable Functions does (dates left as strings); empty text is invalid.</summary>
    private static JToken ParseJson(string text)
    {
        using JsonTextReader reader = new(new StringReader(text)) { DateParseHandling = DateParseHandling.None };
        JToken token = JToken.ReadFrom(reader);

        // Trailing content ("2168 abc") is as invalid as a syntax error.
        if (reader.Read())
        {
            throw new JsonReaderException($"Additional text found in JSON after the value at position {reader.LinePosition}.");
        }

        return token;
    }

    private static bool? ReadBool(IQueryCollection query, string name) =>
        bool.TryParse(query[name].FirstOrDefault(), out bool value) ? value : null;

    private static TimeSpan? ReadSeconds(IQueryCollection query, string name) =>
        double.TryParse(query[name].FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : null;

    /// <summary>A date filter; values without an offset are taken as UTC.</summary>
    private static DateTimeOffset? ReadTime(IQueryCollection query, string name) =>
        DateTimeOffset.TryParse(query[name].FirstOrDefault(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value)
            ? value
            : null;

    /// <summary>
    /// The runtimeStatus filter: comma-separated and/or repeated; each value parsed case-sensitively like
    /// Durable Functions' Enum.TryParse (so "running" is silently dropped); no valid value = no filter.
    /// </summary>
    private static OrchestrationRuntimeStatus[]? ReadStatuses(IQueryCollection query)
    {
        List<OrchestrationRuntimeStatus> statuses = [];
        foreach (string value in query["runtimeStatus"].SelectMany(v => (v ?? string.Empty).Split(',')))
        {
            if (Enum.TryParse(value, ignoreCase: false, out Microsoft.Azure.WebJobs.Extensions.DurableTask.OrchestrationRuntimeStatus status)
                && status != Microsoft.Azure.WebJobs.Extensions.DurableTask.OrchestrationRuntimeStatus.Unknown)
            {
                statuses.Add((OrchestrationRuntimeStatus)(int)status);
            }
        }

        return statuses.Count == 0 ? null : [.. statuses];
    }
}
