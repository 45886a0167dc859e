namespace Twilio.WebJobs;

/// <summary>
/// The send's retry budget ran out before Twilio either accepted the message or definitively rejected it (a definitive
/// rejection is a <see cref="TwilioApiException"/> instead).
/// </summary>
/// <remarks>The message says whether the SMS may still have gone out, and the inner exception is the last failure.</remarks>
public sealed class TwilioRetriesExhaustedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="attempts">Send requests made.</param>
    /// <param name="mayHaveBeenSent">True when the last outcome stayed unknown (Twilio's list could not be read).</param>
    /// <param name="lastError">The last failure.</param>
    public TwilioRetriesExhaustedException(int attempts, bool mayHaveBeenSent, Exception lastError)
        : base(Describe(attempts, mayHaveBeenSent, lastError), lastError)
    {
        this.Attempts = attempts;
        this.MayHaveBeenSent = mayHaveBeenSent;
    }

    /// <summary>Send requests made before giving up.</summary>
    public int Attempts { get; }

    /// <summary>True when Twilio may have accepted the message after all (its outcome could not be confirmed either way).</summary>
    public bool MayHaveBeenSent { get; }

    private static string Describe(int attempts, bool mayHaveBeenSent, Exception lastError)
    {
        string outcome = mayHaveBeenSent
            ? "the SMS may or may not have been sent: its answer was lost and Twilio's message list could not be read"
            : "the SMS was not sent";
        return $"Gave up on the SMS after {attempts} attempt{(attempts == 1 ? string.Empty : "s")} (retry budget exhausted); {outcome}. Last error: {lastError.Message}";
    }
}
