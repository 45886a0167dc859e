using Twilio.Types;

namespace Twilio.Rest.Api.V2010.Account;

/// <summary>
/// The message to send, shaped like the Twilio SDK's <c>CreateMessageOptions</c>
/// (<c>new CreateMessageOptions(new PhoneNumber(phone)) { Body = ... }</c>).
/// </summary>
/// <remarks>
/// As in the SDK, the recipient is fixed by the constructor; <see cref="From"/> and <see cref="Body"/> may be left
/// null for the <c>[TwilioSms]</c> attribute to fill in.
/// </remarks>
public sealed class CreateMessageOptions
{
    /// <summary>Creates a message for one recipient.</summary>
    /// <param name="to">Recipient in E.164 form, e.g. <c>+14255550123</c>.</param>
    public CreateMessageOptions(PhoneNumber to)
    {
        this.To = to;
    }

    /// <summary>Recipient (form field <c>To</c>).</summary>
    public PhoneNumber To { get; }

    /// <summary>Sender, a Twilio number in E.164 form (form field <c>From</c>).</summary>
    public PhoneNumber? From { get; set; }

    /// <summary>Message text (form field <c>Body</c>); Twilio accepts up to 1,600 characters.</summary>
    public string? Body { get; set; }
}
