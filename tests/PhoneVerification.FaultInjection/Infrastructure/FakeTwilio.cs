using Durable.Testing.Twilio;

namespace PhoneVerification.FaultInjection.Infrastructure;

/// <summary>
/// The shared fake Twilio (<see cref="FakeTwilioServer"/>) as these tests use it: it records every SMS it accepts (that
/// is what the user's phone receives) and can hold a request open, so the test can kill the host in the middle of the
/// send. A held request counts as sent: Twilio had the whole request, as a real send cut by a crash would leave it.
/// </summary>
internal sealed class FakeTwilio : IAsyncDisposable
{
    public const string AccountSid = FakeTwilioServer.AccountSid;

    public const string AuthToken = FakeTwilioServer.AuthToken;

    private readonly FakeTwilioServer server = FakeTwilioServer.Start();

    public Uri BaseUrl => this.server.BaseUrl;

    /// <summary>How many times the host asked whether an SMS was already sent (every run of the activity does).</summary>
    public int Lookups => this.server.Lookups;

    /// <summary>Every SMS so far.</summary>
    public IReadOnlyList<SentSms> All => [.. this.server.Accepted.Select(ToSentSms)];

    /// <summary>How long each send is answered after it was accepted (the SMS counts as sent on arrival): keeps sends in flight.</summary>
    public TimeSpan SendDelay
    {
        get => this.server.SendDelay;
        set => this.server.SendDelay = value;
    }

    public static Task<FakeTwilio> StartAsync() => Task.FromResult(new FakeTwilio());

    /// <summary>The SMS texted to <paramref name="phone"/> so far, oldest first.</summary>
    public IReadOnlyList<SentSms> SentTo(string phone) => [.. this.server.AcceptedFor(phone).Select(ToSentSms)];

    /// <summary>Holds the next first send to a number open; completes when one is held.</summary>
    public async Task<SentSms> HoldNextSendAsync() => ToSentSms(await this.server.HoldNextFirstSendAsync());

    /// <summary>Stops holding: a hold that caught nothing is dropped.</summary>
    public void CancelHold() => this.server.CancelHold();

    public ValueTask DisposeAsync() => this.server.DisposeAsync();

    private static SentSms ToSentSms(FakeTwilioMessage message) => new(message.To, message.Body, message.Created);
}

/// <summary>One SMS the fake Twilio accepted.</summary>
/// <param name="To">The recipient.</param>
/// <param name="Body">The text.</param>
/// <param name="Received">When the request arrived.</param>
internal sealed record SentSms(string To, string Body, DateTimeOffset Received)
{
    /// <summary>The 4-digit code at the end of the sample's text.</summary>
    public string Code => this.Body.Length >= 4 ? this.Body[^4..] : this.Body;
}
