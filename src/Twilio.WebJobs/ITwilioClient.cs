using Twilio.Rest.Api.V2010.Account;

namespace Twilio.WebJobs;

/// <summary>Sends one SMS through the Twilio REST API. Replace it in DI to fake Twilio in tests.</summary>
public interface ITwilioClient
{
    /// <summary>Creates (sends) a message.</summary>
    /// <param name="credentials">Account to send from.</param>
    /// <param name="message">Message with <c>To</c>, <c>From</c> and <c>Body</c> set; numbers must be E.164.</param>
    /// <param name="cancellationToken">Cancels the send, including retry waits.</param>
    /// <returns>The SID and status Twilio assigned (read from its message list when the answer itself was lost).</returns>
    /// <exception cref="InvalidOperationException">A field is missing or a number is not E.164; nothing was sent.</exception>
    /// <exception cref="TwilioApiException">Twilio rejected the message definitively (a 4xx such as 21211); nothing was sent.</exception>
    /// <exception cref="TwilioRetriesExhaustedException">
    /// The retry budget ran out; <see cref="TwilioRetriesExhaustedException.MayHaveBeenSent"/> says whether the outcome stayed open.
    /// </exception>
    Task<TwilioMessageResult> SendMessageAsync(
        TwilioCredentials credentials,
        CreateMessageOptions message,
        CancellationToken cancellationToken = default);
}
