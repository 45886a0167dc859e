using System.Globalization;
using Durable.Core.Client;
using Durable.Core.Serialization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Cli;

/// <summary>The readable (default) rendering of statuses, lists and histories.</summary>
internal static class CliText
{
    public static void WriteStatus(TextWriter writer, OrchestrationMetadata status, bool showInput, bool showOutput)
    {
        List<(string, string)> rows =
        [
            ("Instance ID", status.InstanceId),
            ("Name", status.Name),
            ("Runtime status", status.RuntimeStatus.ToString()),
            ("Created", Time(status.CreatedTime)),
            ("Last updated", Time(status.LastUpdatedTime)),
        ];
        if (JsonDataConverter.ToToken(status.CustomStatusJson) is { Type: not JTokenType.Null } custom)
        {
            rows.Add(("Custom status", Json(custom)));
        }

        if (showInput)
        {
            rows.Add(("Input", Json(JsonDataConverter.ToToken(status.InputJson))));
        }

        if (showOutput)
        {
            rows.Add(("Output", Json(JsonDataConverter.ToToken(status.OutputJson))));
        }

        int width = rows.Max(r => r.Item1.Length) + 2;
        foreach ((string name, string value) in rows)
        {
            writer.WriteLine((name + ":").PadRight(width) + value);
        }
    }

    public static void WriteInstances(TextWriter writer, IReadOnlyList<OrchestrationMetadata> instances) =>
        WriteTable(
            writer,
            ["INSTANCE ID", "NAME", "STATUS", "CREATED", "LAST UPDATED"],
            instances.Select(s => new[] { s.InstanceId, s.Name, s.RuntimeStatus.ToString(), Time(s.CreatedTime), Time(s.LastUpdatedTime) }));

    /// <summary>One line per event as the API formats it: type, time, the function or event name, then what else it carries.</summary>
    public static void WriteHistory(TextWriter writer, JArray history) =>
        WriteTable(
            writer,
            ["EVENT", "TIMESTAMP", "NAME", "DETAILS"],
            history.OfType<JObject>().Select(e => new[]
            {
                (string?)e["EventType"] ?? string.Empty,
                (string?)e["Timestamp"] ?? string.Empty,
                (string?)(e["FunctionName"] ?? e["Name"]) ?? string.Empty,
                string.Join(", ", e.Properties()
                    .Where(p => p.Name is not ("EventType" or "Timestamp" or "FunctionName" or "Name") && p.Value.Type != JTokenType.Null)
                    .Select(p => $"{p.Name}={(p.Value.Type == JTokenType.String ? (string?)p.Value : Json(p.Value))}")),
            }));

    public static string Time(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Json(JToken? token) => token is null || token.Type == JTokenType.Null ? "(none)" : token.ToString(Formatting.None);

    private static void WriteTable(TextWriter writer, string[] header, IEnumerable<string[]> rows)
    {
        List<string[]> all = [header, .. rows];
        int[] widths = [.. header.Select((_, i) => all.Max(r => r[i].Length))];
        foreach (string[] row in all)
        {
            writer.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
