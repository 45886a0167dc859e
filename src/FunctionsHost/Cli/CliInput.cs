using System.Globalization;
using Durable.Core;
using Durable.Core.Client;
using Durable.WebJobs.Http;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Cli;

/// <summary>Reads option values the way the HTTP management API reads its query and body, refusing what it would refuse.</summary>
internal static class CliInput
{
    private const string StatusNames = "Pending, Running, Completed, ContinuedAsNew, Failed, Canceled, Terminated or Suspended";

    /// <summary>
    /// An input or event payload: <c>@path</c> reads JSON from a file; inline text is JSON when it parses as JSON
    /// (<c>2168</c>, <c>"+14255550123"</c>, <c>{"a":1}</c>), else a plain string, so a shell needs no nested quotes.
    /// </summary>
    public static JToken? ReadPayload(string? value, string option)
    {
        if (value is null)
        {
            return null;
        }

        if (value.StartsWith('@'))
        {
            string path = value[1..];
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw CliException.BadUsage($"{option}: cannot read '{path}': {e.Message}", option);
            }

            return TryParseJson(text, out JToken? fromFile, out string? problem)
                ? fromFile
                : throw CliException.BadUsage($"{option}: '{path}' is not valid JSON: {problem}", option);
        }

        return TryParseJson(value, out JToken? token, out _) ? token : JValue.CreateString(value);
    }

    public static string ReadInstanceId(string value, string option = "--id") =>
        InstanceIds.Validate(value) is { } problem ? throw CliException.BadUsage($"{option}: {problem}", option) : value;

    /// <summary>A date filter (ISO 8601); values without an offset are taken as UTC, as by the HTTP API.</summary>
    public static DateTimeOffset? ReadTime(string? text, string option)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value)
            ? value
            : throw CliException.BadUsage($"{option} must be a date and time such as 2026-01-31T12:00:00Z; got '{text}'.", option);
    }

    /// <summary>Runtime statuses, repeated and/or comma-separated, any case; unknown names are refused, not dropped.</summary>
    public static OrchestrationStatus[]? ReadStatuses(string[]? values, string option = "--runtime-status")
    {
        List<OrchestrationStatus> statuses = [];
        foreach (string value in (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (int.TryParse(value, out _) || !Enum.TryParse(value, ignoreCase: true, out OrchestrationStatus status) || !Enum.IsDefined(status))
            {
                throw CliException.BadUsage($"{option}: '{value}' is not a runtime status; use {StatusNames}.", option);
            }

            statuses.Add(status);
        }

        return statuses.Count == 0 ? null : [.. statuses.Distinct()];
    }

    private static bool TryParseJson(string text, out JToken? token, out string? problem)
    {
        // RFC 8259 only, as every HTTP endpoint: what JSON.NET alone would also read ('x', NaN, {a:1}) is not JSON here.
        if (StrictJson.Problem(System.Text.Encoding.UTF8.GetBytes(text)) is { } strictProblem)
        {
            token = null;
            problem = strictProblem;
            return false;
        }

        try
        {
            // Dates stay strings, as the HTTP API and Durable Functions read payloads.
            using JsonTextReader reader = new(new StringReader(text)) { DateParseHandling = DateParseHandling.None, MaxDepth = 64 };
            token = JToken.ReadFrom(reader);
            if (reader.Read())
            {
                throw new JsonReaderException($"Additional text found in JSON after the value at position {reader.LinePosition}.");
            }

            problem = null;
            return true;
        }
        catch (JsonReaderException e)
        {
            token = null;
            problem = e.Message;
            return false;
        }
    }
}
