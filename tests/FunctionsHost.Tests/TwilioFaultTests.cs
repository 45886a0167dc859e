using System.Net;
using Durable.Testing.Twilio;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>
/// Whole verifications against a fake Twilio that misbehaves per phone number: whatever the network fault, the
/// verification ends <c>true</c> with the texted code and exactly one SMS was accepted for the number.
/// </summary>
public sealed class TwilioFaultTests
{
    public static TheoryData<string> Faults => ["close-after-recording", "close-before-recording", "500", "429-retry-after", "slow-past-timeout", "list-lags"];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Flow_TwilioFault_CompletesTrueWithExactlyOneSms(string fault)
    {
        // Arrange
        await using FakeTwilioServer twilio = FakeTwilioServer.Start();
        await using TestHost host = await StartAsync(twilio);
        string phone = TestHost.NewPhoneNumber();
        Inject(twilio, phone, fault);

        // Act
        bool output = await VerifyAsync(host, twilio, phone);

        // Assert
        Assert.True(output);
        Assert.Single(twilio.AcceptedFor(phone));
    }

    [Fact]
    public async Task Flow_Http10CloseAfterResponseTwilio_EveryVerificationTrueWithOneSmsEach()
    {
        // Arrange: Python's http.server semantics; verifications run at once so connections are rented back to back.
        await using FakeTwilioServer twilio = FakeTwilioServer.Start(http10CloseAfterResponse: true);
        await using TestHost host = await StartAsync(twilio);
        string[] phones = [.. Enumerable.Range(0, 20).Select(_ => TestHost.NewPhoneNumber()).Distinct()];

        // Act
        bool[] outputs = await Task.WhenAll(phones.Select(phone => VerifyAsync(host, twilio, phone)));

        // Assert
        Assert.All(outputs, Assert.True);
        Assert.All(phones, phone => Assert.Single(twilio.AcceptedFor(phone)));
    }

    private static void Inject(FakeTwilioServer twilio, string phone, string fault)
    {
        switch (fault)
        {
            case "close-after-recording":
                twilio.AddFaults(phone, TwilioFault.CloseAfterRecording());
                break;
            case "close-before-recording":
                twilio.AddFaults(phone, TwilioFault.CloseBeforeRecording());
                break;
            case "500":
                twilio.AddFaults(phone, TwilioFault.Error(500, 20500, "Internal Server Error"));
                break;
            case "429-retry-after":
                twilio.AddFaults(phone, TwilioFault.Error(429, 20429, "Too Many Requests", retryAfter: "1"));
                break;
            case "slow-past-timeout":
                twilio.AddFaults(phone, TwilioFault.SlowAfterRecording(TimeSpan.FromSeconds(10)));
                break;
            case "list-lags":
                twilio.AddFaults(phone, TwilioFault.CloseAfterRecording());
                twilio.SetListLag(phone, lookups: 1);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, "Unknown fault.");
        }
    }

    private static Task<TestHost> StartAsync(FakeTwilioServer twilio) => TestHost.StartAsync(
        timeoutSeconds: 60,
        settings: new Dictionary<string, string?>
        {
            ["TwilioAccountSid"] = FakeTwilioServer.AccountSid,
            ["TwilioAuthToken"] = FakeTwilioServer.AuthToken,
            ["TwilioPhoneNumber"] = "+15005550006",
            ["TwilioApiBaseUrl"] = twilio.BaseUrl.ToString(),

            // Short waits on the real clock: a one-second request timeout, quick back-off and list-lag allowance.
            ["AzureWebJobs:Extensions:Twilio:RequestTimeout"] = "00:00:01",
            ["AzureWebJobs:Extensions:Twilio:RetryBaseDelay"] = "00:00:00.050",
            ["AzureWebJobs:Extensions:Twilio:ListLagAllowance"] = "00:00:00.200",
        });

    /// <summary>Starts a verification, answers the code the fake Twilio received, and returns the output.</summary>
    private static async Task<bool> VerifyAsync(TestHost host, FakeTwilioServer twilio, string phone)
    {
        JObject payload = await host.StartVerificationAsync(phone);
        await twilio.WhenAcceptedAsync(phone).WaitAsync(TimeSpan.FromSeconds(30));

        await host.AnswerCodeAsync(payload, twilio.AcceptedFor(phone)[^1].Code);
        (HttpStatusCode status, JObject body) = await host.WaitForEndAsync(payload);
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
        Assert.Equal("Completed", (string?)body["runtimeStatus"]);
        return (bool)body["output"]!;
    }
}
