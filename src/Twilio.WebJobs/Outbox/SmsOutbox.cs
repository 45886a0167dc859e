using Microsoft.Extensions.Logging;

namespace Twilio.WebJobs;

/// <summary>
/// In-memory stand-in for Twilio in Development when no credentials are configured: keeps the messages (newest last)
/// and logs one line per message, because in Development showing the code is the point.
/// </summary>
/// <remarks>Holds at most <see cref="Capacity"/> messages; older ones are dropped so a long dev session cannot grow without bound.</remarks>
public sealed class SmsOutbox
{
    /// <summary>Most messages kept.</summary>
    public const int Capacity = 1000;

    private readonly Queue<OutboxMessage> messages = new();
    private readonly Lock gate = new();
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;

    /// <summary>Creates an empty outbox.</summary>
    /// <param name="timeProvider">Clock for <see cref="OutboxMessage.CreatedTime"/>.</param>
    /// <param name="logger">Receives the <c>[dev outbox]</c> line for each message.</param>
    public SmsOutbox(TimeProvider timeProvider, ILogger<SmsOutbox> logger)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    /// <summary>Stores a message and logs it.</summary>
    /// <param name="to">Recipient.</param>
    /// <param name="from">Sender.</param>
    /// <param name="body">Text.</param>
    /// <returns>The stored message.</returns>
    public OutboxMessage Add(string to, string from, string body)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(body);
        OutboxMessage message = new(to, from, body, this.timeProvider.GetUtcNow());
        lock (this.gate)
        {
            this.messages.Enqueue(message);
            if (this.messages.Count > Capacity)
            {
                this.messages.Dequeue();
            }
        }

        this.logger.DevOutboxMessage(to, from, body);
        return message;
    }

    /// <summary>Lists messages, oldest first, optionally only those to one number.</summary>
    /// <param name="to">
    /// Recipient filter, compared on digits only, so <c>+14255550123</c>, <c>14255550123</c> and the <c> 14255550123</c>
    /// that an unescaped <c>?to=+1…</c> query string decodes to all match.
    /// </param>
    /// <returns>A snapshot copy.</returns>
    public IReadOnlyList<OutboxMessage> GetMessages(string? to = null)
    {
        OutboxMessage[] snapshot;
        lock (this.gate)
        {
            snapshot = [.. this.messages];
        }

        if (string.IsNullOrWhiteSpace(to))
        {
            return snapshot;
        }

        string digits = Digits(to);
        return snapshot.Where(message => Digits(message.To) == digits).ToArray();
    }

    private static string Digits(string number) => new(number.Where(char.IsAsciiDigit).ToArray());
}
