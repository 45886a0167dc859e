using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Twilio.WebJobs.Tests;

/// <summary>The binding's send latency and errors by code, read with a <see cref="MeterListener"/> as an SDK would.</summary>
public sealed class TwilioMetricsTests
{
    [Fact]
    public async Task MeasureAsync_TwilioRefusesWithACode_CountsTheErrorByCodeAndRethrows()
    {
        // Arrange
        ConcurrentQueue<(string Instrument, object? Code)> seen = new();
        using MeterListener listener = Listen(seen);

        // Act
        TwilioApiException error = await Assert.ThrowsAsync<TwilioApiException>(() =>
            TwilioMetrics.MeasureAsync(() => throw new TwilioApiException(400, 21211, "Invalid 'To' Phone Number", null, 1)));

        // Assert
        Assert.Equal(21211, error.Code);
        Assert.Contains(seen, s => s.Instrument == "twilio.sms.send.errors" && (string?)s.Code == "21211");
        Assert.Contains(seen, s => s.Instrument == "twilio.sms.send.duration");
    }

    [Theory]
    [InlineData("timeout")]
    [InlineData("network")]
    [InlineData("http_503")]
    public void ErrorCode_FailureWithoutTwilioCode_NamesItsKind(string expected)
    {
        // Arrange
        Exception error = expected switch
        {
            "timeout" => new TimeoutException(),
            "network" => new HttpRequestException("refused"),
            _ => new TwilioApiException(503, null, "Service Unavailable", null, 3),
        };

        // Act
        string? code = TwilioMetrics.ErrorCode(error);

        // Assert
        Assert.Equal(expected, code);
    }

    [Fact]
    public void ErrorCode_Cancelled_NotCountedAsAnError()
    {
        // Act
        string? code = TwilioMetrics.ErrorCode(new OperationCanceledException());

        // Assert
        Assert.Null(code);
    }

    private static MeterListener Listen(ConcurrentQueue<(string Instrument, object? Code)> seen)
    {
        MeterListener listener = new()
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == TwilioMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => seen.Enqueue((instrument.Name, Code(tags))));
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => seen.Enqueue((instrument.Name, Code(tags))));
        listener.Start();
        return listener;
    }

    private static object? Code(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == "twilio.error_code")
            {
                return tag.Value;
            }
        }

        return null;
    }
}
