using Twilio.Rest.Api.V2010.Account;

namespace Twilio.WebJobs;

/// <summary>Sends one SMS through the Twilio REST API. Replace it in DI to fake Twilio in tests.</summary>
public interface ITwilioClient
{
    /// <summary>Creates (sends) a message.</summary>
    /// <param name="credentials">Account to send from.</param>
    /// <param name="message">Message with <c>To</c>, <c>From</c> and <c>Body</c> set; numbers must be E.164.</param>
    /// <param name="cancellationToken">Cancels the send, including retry waits.</param>
    /// <returns>The SID and status Twilio assigned.</returns>
    /// <exception cref="InvalidOperationException">A field is missing or a number is not E.164; nothing was sent.</exception>
    /// <exception cref="TwilioApiException">Twilio refused the message, or kept failing after the allowed retries.</exception>
    /// <exception cref="TimeoutException">Twilio did not answer within the request timeout.</exception>
    Task<TwilioMessageResult> SendMessageAsync(
        TwilioCredentials credentials,
        CreateMessageOptions message,
        CancellationToken cancellationToken = default);
}
