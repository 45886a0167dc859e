using System.Text.RegularExpressions;
using Twilio.Rest.Api.V2010.Account;

namespace Twilio.WebJobs.Internal;

/// <summary>E.164 checks shared by the collector, the REST client and the settings validator.</summary>
internal static partial class PhoneNumberFormat
{
    internal const string Expected = "E.164: '+', a country code and the subscriber number, 2 to 15 digits in all, no spaces or punctuation (e.g. +14255550123)";

    internal static bool IsE164(string? number) => number is not null && E164().IsMatch(number);

    /// <summary>Checks To, From and Body so a bad message fails before any request or outbox entry.</summary>
    internal static void ValidateMessage(CreateMessageOptions message)
    {
        ValidateNumber("To", message.To?.ToString());
        ValidateNumber("From", message.From?.ToString());
        if (message.Body is null)
        {
            throw new InvalidOperationException("A 'Body' must be specified for the SMS (in code or with [TwilioSms(Body = ...)]).");
        }
    }

    private static void ValidateNumber(string field, string? number)
    {
        if (string.IsNullOrWhiteSpace(number))
        {
            throw new InvalidOperationException($"A '{field}' number must be specified for the SMS; expected {Expected}.");
        }

        if (!IsE164(number))
        {
            throw new InvalidOperationException($"The SMS '{field}' number '{number}' is not valid; expected {Expected}.");
        }
    }

    // [0-9] and \z rather than \d and $: \d matches any Unicode digit and $ accepts a trailing newline.
    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}\z", RegexOptions.CultureInvariant)]
    private static partial Regex E164();
}
