using Durable.Testing.Twilio;
using PhoneVerification.LoadTest;

namespace PhoneVerification.LoadTest.Tests;

/// <summary>The tool's warm-up before it spawns a host: real sends through the sink, and nothing left behind.</summary>
public sealed class ToolWarmupTests
{
    [Fact]
    public async Task RunAsync_AgainstTheSink_EveryRoundSendsOneSmsAndForgetsIt()
    {
        // Arrange: the sink as LoadRun starts it.
        await using FakeTwilioServer sink = FakeTwilioServer.Start(authToken: null, recordRequests: false);
        using HttpClient client = new();

        // Act
        int rounds = await ToolWarmup.RunAsync(client, sink, TimeSpan.FromMilliseconds(300), workers: 4, CancellationToken.None);

        // Assert: each round's SMS reached the sink, and the sink holds none of them afterwards.
        Assert.True(rounds >= 4, $"only {rounds} rounds ran");
        Assert.Equal(rounds, sink.AcceptedTotal);
        Assert.Empty(sink.Accepted);
    }
}
