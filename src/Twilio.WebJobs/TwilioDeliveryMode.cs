namespace Twilio.WebJobs;

/// <summary>Where <c>[TwilioSms]</c> messages go, as decided by <see cref="TwilioSettingsValidator"/>.</summary>
public enum TwilioDeliveryMode
{
    /// <summary>Credentials are configured: messages are sent through the Twilio REST API.</summary>
    Twilio,

    /// <summary>No credentials and a Development environment: messages go to the in-memory <see cref="SmsOutbox"/>.</summary>
    DevOutbox,
}
