using System.Net;
using Durable.Testing.Twilio;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>
/// A verification whose SMS Twilio refused (a definitive 4xx) fails; rewound, as in Durable Functions, it sends the SMS
/// again and completes, with the history of the first attempt kept.
/// </summary>
public sealed class RewindFlowTests
{
    [Fact]
    public async Task Rewind_SmsRefusedThenAccepted_ActivityRunsAgainAndVerificationCompletesTrue()
    {
        // Arrange: Twilio refuses the first message to this number; the verification fails.
        await using FakeTwilioServer twilio = FakeTwilioServer.Start();
        await using TestHost host = await TestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["TwilioAccountSid"] = FakeTwilioServer.AccountSid,
            ["TwilioAuthToken"] = FakeTwilioServer.AuthToken,
            ["TwilioPhoneNumber"] = "+15005550006",
            ["TwilioApiBaseUrl"] = twilio.BaseUrl.ToString(),
        });
        string phone = TestHost.NewPhoneNumber();
        twilio.AddFaults(phone, TwilioFault.Error(400, 21610, "Attempt to send to unsubscribed recipient"));
        JObject payload = await host.StartVerificationAsync(phone);
        string id = (string)payload["id"]!;
        (HttpStatusCode _, JObject failed) = await host.WaitForEndAsync(payload);
        Assert.Equal("Failed", (string?)failed["runtimeStatus"]);
        JObject before = TestHost.Parse(await host.Client.GetStringAsync($"{TestHost.WebhookBase}/instances/{id}?showHistory=true"));

        // Act
        using HttpResponseMessage rewind = await host.Client.PostAsync($"{TestHost.WebhookBase}/instances/{id}/rewind?reason=recipient%20resubscribed", null);
        await twilio.WhenAcceptedAsync(phone).WaitAsync(TimeSpan.FromSeconds(30));
        await host.AnswerCodeAsync(payload, twilio.AcceptedFor(phone)[^1].Code);
        (HttpStatusCode status, JObject body) = await host.WaitForEndAsync(payload);

        // Assert: accepted, the SMS was sent again, the verification succeeded, the start of the first attempt is kept.
        Assert.Equal(HttpStatusCode.Accepted, rewind.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Completed", (string?)body["runtimeStatus"]);
        Assert.True((bool)body["output"]!);
        Assert.Single(twilio.AcceptedFor(phone));
        JArray history = (JArray)TestHost.Parse(await host.Client.GetStringAsync($"{TestHost.WebhookBase}/instances/{id}?showHistory=true"))["historyEvents"]!;
        Assert.True(JToken.DeepEquals(before["historyEvents"]![0], history[0]), $"{before["historyEvents"]![0]} vs {history[0]}");
        Assert.Equal("recipient resubscribed", (string?)history.Single(e => (string?)e["EventType"] == "ExecutionRewound")["Reason"]);
        Assert.Equal("E4_SendSmsChallenge", (string?)history.Single(e => (string?)e["EventType"] == "TaskCompleted")["FunctionName"]);
    }
}
