using System.Text.Json;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace PhoneVerification;

/// <summary>
/// The input rule of <see cref="SmsPhoneVerification"/>: a JSON string holding an E.164 phone number. Every way of
/// starting a verification checks it here (HttpStart, the <c>durable start-new</c> command line).
/// </summary>
public static partial class PhoneNumberInput
{
    /// <summary>A valid input as JSON, for messages.</summary>
    public const string Example = "\"+14255550123\"";

    /// <summary>
    /// Reads a request body as a JSON string holding an E.164 number; returns what is wrong and where, or a null problem.
    /// The body must be strict JSON (RFC 8259, UTF-8): System.Text.Json's default reader refuses single quotes, comments,
    /// trailing commas or text, and raw control characters, which a lenient parser would turn into a number.
    /// </summary>
    /// <param name="body">The body's UTF-8 bytes.</param>
    /// <param name="phoneNumber">The number when valid, else empty.</param>
    /// <returns>The problem (null when valid) and the field at fault (<c>body</c> or <c>phoneNumber</c>).</returns>
    public static (string? Problem, string Field) TryRead(byte[] body, out string phoneNumber)
    {
        phoneNumber = string.Empty;
        if (body.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return ($"A phone number is required: send it as a JSON string in the request body, e.g. {Example}.", "body");
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.String)
            {
                return ($"The request body must be a JSON string holding the phone number, e.g. {Example}; got a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.", "body");
            }

            return TryRead(new JValue(document.RootElement.GetString()), out phoneNumber);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or ArgumentException)
        {
            // InvalidOperationException/ArgumentException: a string that is not valid UTF-8.
            return ($"The request body is not valid JSON ({e.Message}). Send the phone number as a JSON string, e.g. {Example}.", "body");
        }
    }

    /// <summary>Checks an already parsed input; returns what is wrong and where, or a null problem.</summary>
    /// <param name="token">The input.</param>
    /// <param name="phoneNumber">The number when valid, else empty.</param>
    /// <returns>The problem (null when valid) and the field at fault (<c>body</c> or <c>phoneNumber</c>).</returns>
    public static (string? Problem, string Field) TryRead(JToken? token, out string phoneNumber)
    {
        phoneNumber = string.Empty;
        if (token is null || token.Type != JTokenType.String)
        {
            string kind = token is null ? "nothing" : $"a JSON {token.Type.ToString().ToLowerInvariant()}";
            return ($"The phone number must be a JSON string, e.g. {Example}; got {kind}.", "body");
        }

        string value = token.Value<string>() ?? string.Empty;
        if (!E164().IsMatch(value))
        {
            // The value is not echoed: it may be anything, and this message can end up in logs.
            return ($"The value is not a phone number in E.164 format: '+', the country code and the number, 2 to 15 digits, no spaces or punctuation, e.g. {Example}.", "phoneNumber");
        }

        phoneNumber = value;
        return (null, "phoneNumber");
    }

    // [0-9] and \z rather than \d and $: \d matches any Unicode digit and $ accepts a trailing newline.
    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}\z", RegexOptions.CultureInvariant)]
    private static partial Regex E164();
}
