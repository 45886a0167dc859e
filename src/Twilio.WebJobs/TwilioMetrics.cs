using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Twilio.WebJobs;

/// <summary>
/// Instruments of the Twilio binding (meter <see cref="MeterName"/>): every send through the REST API, retries included,
/// with its latency and, when it failed, the Twilio error code (or the HTTP status, <c>timeout</c>, <c>network</c>).
/// Nothing about the message (number, body) is recorded.
/// </summary>
public static class TwilioMetrics
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string MeterName = "Twilio.WebJobs";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> SendDuration = Meter.CreateHistogram<double>(
        "twilio.sms.send.duration", "s", "SMS sends through the Twilio REST API (retries included) and how long each took, by result.");

    private static readonly Counter<long> SendErrors = Meter.CreateCounter<long>(
        "twilio.sms.send.errors", "{message}", "SMS sends that failed, by Twilio error code (or HTTP status, timeout, network).");

    /// <summary>Runs and measures one send.</summary>
    /// <param name="send">The send.</param>
    internal static async Task MeasureAsync(Func<Task> send)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            await send().ConfigureAwait(false);
            SendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("result", "sent"));
        }
        catch (Exception ex) when (ErrorCode(ex) is { } code)
        {
            SendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("result", "error"));
            SendErrors.Add(1, new KeyValuePair<string, object?>("twilio.error_code", code));
            throw;
        }
    }

    /// <summary>A low-cardinality label for a failed send; null for cancellation (not Twilio's failure).</summary>
    internal static string? ErrorCode(Exception error) => error switch
    {
        TwilioApiException api => api.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "http_" + api.HttpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TimeoutException => "timeout",
        HttpRequestException => "network",
        OperationCanceledException => null,
        _ => "other",
    };
}
