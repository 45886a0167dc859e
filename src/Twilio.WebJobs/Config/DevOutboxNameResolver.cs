using Microsoft.Azure.WebJobs;

namespace Twilio.WebJobs.Config;

/// <summary>
/// Lets the genuine sample index when the development outbox is active. WebJobs resolves
/// <c>[TwilioSms(From = "%TwilioPhoneNumber%")]</c> while indexing and fails the whole host on a missing setting,
/// before the extension could pick the outbox. Only in outbox mode, and only for <c>TwilioPhoneNumber</c>, this
/// supplies a stand-in: Twilio's documented test sender number.
/// </summary>
internal sealed class DevOutboxNameResolver : INameResolver
{
    /// <summary>Sender shown on outbox messages when <c>TwilioPhoneNumber</c> is not set (Twilio's magic test "From").</summary>
    internal const string PlaceholderSender = "+15005550006";

    private readonly INameResolver inner;
    private readonly bool devOutbox;

    internal DevOutboxNameResolver(INameResolver inner, bool devOutbox)
    {
        this.inner = inner;
        this.devOutbox = devOutbox;
    }

    public string? Resolve(string name)
    {
        string? value = this.inner.Resolve(name);

        // A blank value is an unset one (local.settings.json.example ships "TwilioPhoneNumber": ""), as everywhere else.
        if (!string.IsNullOrWhiteSpace(value) || !this.devOutbox)
        {
            return value;
        }

        return string.Equals(name, TwilioSettingNames.PhoneNumber, StringComparison.OrdinalIgnoreCase) ? PlaceholderSender : null;
    }
}
