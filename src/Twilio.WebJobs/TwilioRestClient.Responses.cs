using System.Text.Json;

namespace Twilio.WebJobs;

/// <summary>Parsing of Twilio's JSON answers.</summary>
public sealed partial class TwilioRestClient
{
    private const int MaxQuotedBody = 200;

    private static TwilioMessageResult ParseSuccess(string body)
    {
        // A 2xx means Twilio took the message: never turn it into a failure (the caller would retry and text twice),
        // even when a compatible server sends no or odd JSON.
        try
        {
            using JsonDocument json = JsonDocument.Parse(body);
            return new TwilioMessageResult(GetString(json.RootElement, "sid"), GetString(json.RootElement, "status"));
        }
        catch (JsonException)
        {
            return new TwilioMessageResult(null, null);
        }
    }

    private static TwilioApiException ParseError(int status, string? reason, string body, int attempts)
    {
        try
        {
            using JsonDocument json = JsonDocument.Parse(body);
            JsonElement root = json.RootElement;
            int? code = root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("code", out JsonElement c)
                && c.ValueKind == JsonValueKind.Number
                && c.TryGetInt32(out int parsed) ? parsed : null;
            string? message = GetString(root, "message");
            if (code is not null || message is not null)
            {
                return new TwilioApiException(status, code, message ?? $"HTTP {status} {reason}", GetString(root, "more_info"), attempts);
            }
        }
        catch (JsonException)
        {
            // Not Twilio's error JSON (a proxy page, say): describe the raw answer below.
        }

        string snippet = body.Length > MaxQuotedBody ? string.Concat(body.AsSpan(0, MaxQuotedBody), "…") : body;
        string text = string.IsNullOrWhiteSpace(snippet) ? $"HTTP {status} {reason}" : $"HTTP {status} {reason}: {snippet}";
        return new TwilioApiException(status, null, text, null, attempts);
    }

    private static string? GetString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(name, out JsonElement value)
        && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
