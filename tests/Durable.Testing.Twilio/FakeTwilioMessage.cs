namespace Durable.Testing.Twilio;

/// <summary>One SMS <see cref="FakeTwilioServer"/> accepted: what the user's phone receives.</summary>
/// <param name="Sid">The message SID it answered (or would have answered).</param>
/// <param name="To">The recipient.</param>
/// <param name="From">The sender.</param>
/// <param name="Body">The text.</param>
/// <param name="Created">When it was accepted (real clock).</param>
public sealed record FakeTwilioMessage(string Sid, string To, string From, string Body, DateTimeOffset Created)
{
    /// <summary>The last four characters: the code, for the sample's "Your verification code is NNNN".</summary>
    public string Code => this.Body.Length >= 4 ? this.Body[^4..] : this.Body;
}
