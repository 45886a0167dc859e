namespace Twilio.WebJobs;

/// <summary>One SMS captured by the development outbox; serialised as <c>{to, from, body, createdTime}</c>.</summary>
/// <param name="To">Recipient.</param>
/// <param name="From">Sender.</param>
/// <param name="Body">Text, e.g. the verification code.</param>
/// <param name="CreatedTime">When the binding sent it.</param>
public sealed record OutboxMessage(string To, string From, string Body, DateTimeOffset CreatedTime);
