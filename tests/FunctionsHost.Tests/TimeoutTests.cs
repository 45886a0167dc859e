using System.Net;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>The timer side of the race, on a host with a 2-second window (SmsChallengeTimeoutSeconds=2).</summary>
public sealed class TimeoutTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => this.host = await TestHost.StartAsync(timeoutSeconds: 2);

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    [Fact]
    public async Task Flow_NoAnswerWithinWindow_CompletesWithOutputFalse()
    {
        // Arrange
        string phone = TestHost.NewPhoneNumber();
        JObject payload = await this.host.StartVerificationAsync(phone);
        await this.host.ReadCodeAsync(phone);

        // Act: wait for the 2-second durable timer (bounded polling, no sleep; the timer fires late only by the
        // dispatcher's wake-up delay).
        (HttpStatusCode status, JObject body) = await this.host.WaitForEndAsync(payload, within: TimeSpan.FromSeconds(10));

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Completed", (string?)body["runtimeStatus"]);
        Assert.False((bool)body["output"]!);
        Assert.Equal(HttpStatusCode.Gone, await this.host.AnswerAsync(payload, "1234"));
    }

    [Fact]
    public async Task Status_WithHistory_ShowsTimerAndActivityInDurableShape()
    {
        string phone = TestHost.NewPhoneNumber();
        JObject payload = await this.host.StartVerificationAsync(phone);
        await this.host.WaitForEndAsync(payload);

        JObject body = JObject.Parse(await this.host.Client.GetStringAsync((string)payload["statusQueryGetUri"]! + "&showHistory=true"));

        JArray history = (JArray)body["historyEvents"]!;
        Assert.Equal(
            ["ExecutionStarted", "TaskCompleted", "TimerCreated", "TimerFired", "ExecutionCompleted"],
            history.Select(e => (string)e["EventType"]!));
        Assert.Equal("E4_SendSmsChallenge", (string?)history[1]["FunctionName"]);
        Assert.Null(history[1]["Result"]);
    }
}
