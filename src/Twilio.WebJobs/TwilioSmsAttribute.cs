using Microsoft.Azure.WebJobs.Description;

namespace Microsoft.Azure.WebJobs;

/// <summary>
/// Binds an output parameter (<c>out CreateMessageOptions</c>, <c>ICollector&lt;CreateMessageOptions&gt;</c> or
/// <c>IAsyncCollector&lt;CreateMessageOptions&gt;</c>) to Twilio SMS messages that are sent when the function returns.
/// </summary>
/// <remarks>
/// Same shape and namespace as the attribute of <c>Microsoft.Azure.WebJobs.Extensions.Twilio</c>, so function code written
/// for Azure compiles unchanged. Messages are sent on collector flush, after the function body returns; a Twilio
/// error therefore fails the function invocation (and so the activity that sends the SMS).
/// </remarks>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.ReturnValue)]
[Binding]
public sealed class TwilioSmsAttribute : Attribute
{
    /// <summary>
    /// Name (not value) of the app setting holding the Twilio Account SID; null means <c>TwilioAccountSid</c>.
    /// </summary>
    /// <remarks>
    /// Deliberately not <c>[AppSetting]</c>: WebJobs would then fail indexing when the setting is absent, before the
    /// extension could choose the development outbox. The extension reads the setting itself and gives the same
    /// start-up error outside Development.
    /// </remarks>
    public string? AccountSidSetting { get; set; }

    /// <summary>
    /// Name (not value) of the app setting holding the Twilio Auth Token; null means <c>TwilioAuthToken</c>.
    /// </summary>
    /// <remarks>Not <c>[AppSetting]</c>, for the reason given on <see cref="AccountSidSetting"/>.</remarks>
    public string? AuthTokenSetting { get; set; }

    /// <summary>
    /// Recipient number. Kept for parity with the Azure binding, which (like this one) does not apply it to a
    /// <c>CreateMessageOptions</c>: the recipient is the constructor argument of the message. May contain <c>%setting%</c>.
    /// </summary>
    [AutoResolve]
    public string? To { get; set; }

    /// <summary>
    /// Sender number (E.164) used when a message has no <c>From</c>. May contain <c>%setting%</c>, e.g. <c>%TwilioPhoneNumber%</c>.
    /// </summary>
    [AutoResolve]
    public string? From { get; set; }

    /// <summary>Body used when a message has no <c>Body</c>. May contain <c>%setting%</c> and binding expressions.</summary>
    [AutoResolve]
    public string? Body { get; set; }
}
