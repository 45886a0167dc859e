using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Twilio.WebJobs.Internal;

namespace Twilio.WebJobs;

/// <summary>
/// Start-up rules for the Twilio app settings. The host calls <see cref="Validate(IConfiguration)"/> before it serves
/// requests; the <c>[TwilioSms]</c> extension applies the same rules when the JobHost starts.
/// </summary>
/// <remarks>
/// Rules: all of <c>TwilioAccountSid</c>, <c>TwilioAuthToken</c>, <c>TwilioPhoneNumber</c> set → Twilio; none set and
/// Development → development outbox; none set otherwise → error; some set → always an error (a half-configured
/// production app would otherwise silently text nobody). Empty or blank values count as not set. Error messages name
/// settings, never their values, except the phone number, which is not a secret.
/// </remarks>
public static partial class TwilioSettingsValidator
{
    private const string DevelopmentName = "Development";

    /// <summary>
    /// True when the environment is Development: the first non-empty of <c>AZURE_FUNCTIONS_ENVIRONMENT</c>,
    /// <c>ASPNETCORE_ENVIRONMENT</c>, <c>DOTNET_ENVIRONMENT</c> in <paramref name="configuration"/> equals
    /// <c>Development</c> (case-insensitive). The host must therefore include environment variables in its configuration.
    /// </summary>
    /// <param name="configuration">App configuration.</param>
    public static bool IsDevelopment(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? name = new[]
        {
            configuration[TwilioSettingNames.FunctionsEnvironment],
            configuration[TwilioSettingNames.AspNetCoreEnvironment],
            configuration[TwilioSettingNames.DotNetEnvironment],
        }.FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));
        return string.Equals(name?.Trim(), DevelopmentName, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Validates with the environment taken from configuration (see <see cref="IsDevelopment"/>).</summary>
    /// <param name="configuration">App configuration.</param>
    /// <returns>Where messages will go.</returns>
    /// <exception cref="InvalidOperationException">The settings are missing, partial or malformed; the message says which and how to fix it.</exception>
    public static TwilioDeliveryMode Validate(IConfiguration configuration) => Validate(configuration, IsDevelopment(configuration));

    /// <summary>Validates the Twilio app settings.</summary>
    /// <param name="configuration">App configuration.</param>
    /// <param name="isDevelopment">Whether the app runs in Development, where missing credentials select the outbox.</param>
    /// <returns>Where messages will go.</returns>
    /// <exception cref="InvalidOperationException">The settings are missing, partial or malformed; the message says which and how to fix it.</exception>
    public static TwilioDeliveryMode Validate(IConfiguration configuration, bool isDevelopment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        List<string> problems = [];
        CheckBaseUrl(configuration[TwilioSettingNames.ApiBaseUrl], problems);

        string[] names = [TwilioSettingNames.AccountSid, TwilioSettingNames.AuthToken, TwilioSettingNames.PhoneNumber];
        string[] missing = names.Where(name => string.IsNullOrWhiteSpace(configuration[name])).ToArray();
        TwilioDeliveryMode mode = TwilioDeliveryMode.Twilio;
        if (missing.Length == names.Length)
        {
            if (isDevelopment)
            {
                mode = TwilioDeliveryMode.DevOutbox;
            }
            else
            {
                problems.Add(
                    $"Twilio is not configured: the app settings {Join(names)} are missing. Set them (environment variables " +
                    $"or local.settings.json Values), or run in Development ({TwilioSettingNames.FunctionsEnvironment}=Development) " +
                    "to send SMS to the development outbox instead.");
            }
        }
        else if (missing.Length > 0)
        {
            string[] present = names.Except(missing).ToArray();
            problems.Add(
                $"Twilio is only partly configured: {Join(missing)} {(missing.Length == 1 ? "is" : "are")} missing while " +
                $"{Join(present)} {(present.Length == 1 ? "is" : "are")} set. Set all of {Join(names)}, or none of them to use " +
                "the development outbox in Development.");
        }
        else
        {
            CheckValues(configuration, problems);
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }

        return mode;
    }

    private static void CheckValues(IConfiguration configuration, List<string> problems)
    {
        if (!AccountSidFormat().IsMatch(configuration[TwilioSettingNames.AccountSid]!.Trim()))
        {
            // The value is not quoted: a mistake here is often a pasted auth token.
            problems.Add(
                $"The app setting {TwilioSettingNames.AccountSid} is not a Twilio Account SID: expected 'AC' followed by 32 hex " +
                "digits (34 characters), as shown in the Twilio console.");
        }

        string phone = configuration[TwilioSettingNames.PhoneNumber]!.Trim();
        if (!PhoneNumberFormat.IsE164(phone))
        {
            problems.Add($"The app setting {TwilioSettingNames.PhoneNumber} '{phone}' is not valid; expected {PhoneNumberFormat.Expected}.");
        }
    }

    private static void CheckBaseUrl(string? value, List<string> problems)
    {
        if (!string.IsNullOrWhiteSpace(value) && !TryParseBaseUrl(value, out _))
        {
            problems.Add(
                $"The app setting {TwilioSettingNames.ApiBaseUrl} '{value}' is not an absolute http or https URL such as " +
                "https://api.twilio.com or https://api.dublin.ie1.twilio.com.");
        }
    }

    /// <summary>Parses <c>TwilioApiBaseUrl</c>; shared with the options setup so both accept the same values.</summary>
    internal static bool TryParseBaseUrl(string? value, out Uri url)
    {
        url = null!;
        if (Uri.TryCreate(value?.Trim(), UriKind.Absolute, out Uri? parsed)
            && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
        {
            url = parsed;
            return true;
        }

        return false;
    }

    private static string Join(IEnumerable<string> names) => string.Join(", ", names);

    [GeneratedRegex("^AC[0-9a-fA-F]{32}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex AccountSidFormat();
}
