namespace Twilio.WebJobs;

/// <summary>
/// Tells whether an SMS was already accepted: by Twilio (its message list) or, in Development without credentials, by
/// the outbox. An activity retried after a crash asks it before sending again, so a message that went out before the
/// crash is not sent twice.
/// </summary>
public interface ISentSmsLookup
{
    /// <summary>True when a message to <paramref name="to"/> with exactly <paramref name="body"/> was accepted within <paramref name="lookback"/>.</summary>
    /// <param name="to">The E.164 recipient.</param>
    /// <param name="body">The exact text.</param>
    /// <param name="lookback">How far back to look (Twilio filters by day, this narrows it).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Whether such a message exists.</returns>
    /// <exception cref="HttpRequestException">Twilio could not be asked (the caller should then assume "not sent").</exception>
    Task<bool> WasSentAsync(string to, string body, TimeSpan lookback, CancellationToken cancellationToken);
}
