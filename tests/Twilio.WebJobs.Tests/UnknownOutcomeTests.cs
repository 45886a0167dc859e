using Durable.Testing.Twilio;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace Twilio.WebJobs.Tests;

/// <summary>A send whose answer is lost is resolved through Twilio's message list: exactly one SMS, never a failed send for a network fault.</summary>
public sealed class UnknownOutcomeTests
{
    private const string To = "+14255550123";
    private static readonly TimeSpan LagAllowance = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task SendMessageAsync_ConnectionClosedAfterTwilioRecorded_FindsItInTheListAndDoesNotResend()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync();
        fixture.Server.AddFaults(To, TwilioFault.CloseAfterRecording());

        // Act
        TwilioMessageResult result = await fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message());

        // Assert
        FakeTwilioMessage sent = Assert.Single(fixture.Server.AcceptedFor(To));
        Assert.Equal(sent.Sid, result.Sid);
        Assert.Equal(1, fixture.Server.Lookups);
        Assert.Single(fixture.Server.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task SendMessageAsync_PooledConnectionClosedAfterTwilioRecorded_IsNotResentBlindly()
    {
        // Arrange: a first SMS leaves its connection in the pool, so the faulty send goes out on a reused connection,
        // where SocketsHttpHandler itself may resend a request that met a closed connection.
        await using ClientFixture fixture = await ClientFixture.StartAsync();
        await fixture.Client.SendMessageAsync(ClientFixture.Credentials, new CreateMessageOptions(new PhoneNumber("+14255550199")) { From = "+15005550006", Body = "warm-up" });
        fixture.Server.AddFaults(To, TwilioFault.CloseAfterRecording());

        // Act
        await fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message());

        // Assert
        Assert.Single(fixture.Server.AcceptedFor(To));
        Assert.Equal(2, fixture.Server.Requests.Count(r => r.Method == "POST"));
    }

    [Fact]
    public async Task SendMessageAsync_ConnectionClosedBeforeTwilioRecorded_LooksTwiceLagApartThenSendsOnce()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync();
        fixture.Server.AddFaults(To, TwilioFault.CloseBeforeRecording());

        // Act
        TwilioMessageResult result = await fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message());

        // Assert: two misses, the lag allowance between them, then the second (first real) send.
        Assert.Equal(Assert.Single(fixture.Server.AcceptedFor(To)).Sid, result.Sid);
        Assert.Equal(2, fixture.Server.Lookups);
        Assert.Equal([LagAllowance], fixture.Time.Delays);
        Assert.Equal(2, fixture.Server.Requests.Count(r => r.Method == "POST"));
    }

    [Fact]
    public async Task SendMessageAsync_AnswerSlowerThanTimeoutAfterRecording_FindsItAndDoesNotResend()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync(options => options.RequestTimeout = TimeSpan.FromMilliseconds(300));
        fixture.Server.AddFaults(To, TwilioFault.SlowAfterRecording(TimeSpan.FromMinutes(5)));

        // Act
        TwilioMessageResult result = await fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message()).WaitAsync(TimeSpan.FromSeconds(30));

        // Assert
        Assert.Equal(Assert.Single(fixture.Server.AcceptedFor(To)).Sid, result.Sid);
        Assert.Single(fixture.Server.Requests, r => r.Method == "POST");
        Assert.Contains(fixture.Logs.Lines, line => line.Contains("is unknown (Twilio did not answer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendMessageAsync_ListLagsOneLookup_SecondLookupFindsItAndDoesNotResend()
    {
        // Arrange: Twilio accepted the message, the answer was lost, and the list shows it only on the second look.
        await using ClientFixture fixture = await ClientFixture.StartAsync();
        fixture.Server.AddFaults(To, TwilioFault.CloseAfterRecording());
        fixture.Server.SetListLag(To, lookups: 1);

        // Act
        await fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message());

        // Assert
        Assert.Single(fixture.Server.AcceptedFor(To));
        Assert.Equal(2, fixture.Server.Lookups);
        Assert.Equal([LagAllowance], fixture.Time.Delays);
    }

    [Fact]
    public async Task SendMessageAsync_ListLagsLongerThanTheAllowance_SendsASecondCopy()
    {
        // Arrange: the documented window. A lost answer and a list that still misses the message after the allowance
        // is the one case that texts the user twice (the same text).
        await using ClientFixture fixture = await ClientFixture.StartAsync();
        fixture.Server.AddFaults(To, TwilioFault.CloseAfterRecording());
        fixture.Server.SetListLag(To, lookups: 2);

        // Act
        await fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message());

        // Assert
        Assert.Equal(2, fixture.Server.AcceptedFor(To).Count);
    }

    [Fact]
    public async Task SendMessageAsync_OutcomeUnknownAndListUnreadable_GivesUpSayingItMayHaveBeenSent()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync(options => options.MaxAttempts = 3);
        fixture.Server.AddFaults(To, TwilioFault.CloseAfterRecording());
        fixture.Server.AddListFaults(To, TwilioFault.Error(503, 20503, "Service Unavailable"), TwilioFault.Raw(502, "<html>Bad Gateway</html>"), TwilioFault.Error(500, 20500, "Internal Server Error"));

        // Act
        TwilioRetriesExhaustedException error = await Assert.ThrowsAsync<TwilioRetriesExhaustedException>(
            () => fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message()));

        // Assert: never sent blind a second time; the message says the outcome is open.
        Assert.True(error.MayHaveBeenSent);
        Assert.Contains("may or may not have been sent", error.Message, StringComparison.Ordinal);
        Assert.Single(fixture.Server.Requests, r => r.Method == "POST");
        Assert.Equal(3, fixture.Server.Lookups);
        Assert.Equal([TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500)], fixture.Time.Delays);
    }

    [Fact]
    public async Task SendMessageAsync_ConnectionClosedBeforeRecordingEveryTime_GivesUpSayingNotSent()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync(options => options.MaxAttempts = 2);
        fixture.Server.AddFaults(To, TwilioFault.CloseBeforeRecording(), TwilioFault.CloseBeforeRecording(), TwilioFault.CloseBeforeRecording());

        // Act
        TwilioRetriesExhaustedException error = await Assert.ThrowsAsync<TwilioRetriesExhaustedException>(
            () => fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message()));

        // Assert
        Assert.False(error.MayHaveBeenSent);
        Assert.Equal(2, error.Attempts);
        Assert.Empty(fixture.Server.AcceptedFor(To));
    }

    [Fact]
    public async Task SendMessageAsync_Http10ServerClosesAfterRecording_FindsItAndDoesNotResend()
    {
        // Arrange: the same resolution against a server that closes every connection (the look-up gets its own).
        await using ClientFixture fixture = await ClientFixture.StartAsync(http10CloseAfterResponse: true);
        fixture.Server.AddFaults(To, TwilioFault.CloseAfterRecording());

        // Act
        await fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message());

        // Assert
        Assert.Single(fixture.Server.AcceptedFor(To));
        Assert.Equal(1, fixture.Server.Lookups);
    }

    private static CreateMessageOptions Message() =>
        new(new PhoneNumber(To)) { From = new PhoneNumber("+15005550006"), Body = "Your verification code is 0123" };
}
