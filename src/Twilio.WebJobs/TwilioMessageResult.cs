namespace Twilio.WebJobs;

/// <summary>What Twilio answered when it accepted a message (HTTP 201).</summary>
/// <param name="Sid">Message SID (<c>SM…</c>); null only if a Twilio-compatible server omitted it.</param>
/// <param name="Status">Initial status, usually <c>queued</c> (or <c>accepted</c> with a Messaging Service).</param>
public sealed record TwilioMessageResult(string? Sid, string? Status);
