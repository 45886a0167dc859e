using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Twilio.WebJobs.Config;

/// <summary>Applies the <c>TwilioApiBaseUrl</c> app setting over the bound section and checks the result.</summary>
internal sealed class TwilioSmsOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<TwilioSmsOptions>, IValidateOptions<TwilioSmsOptions>
{
    public void PostConfigure(string? name, TwilioSmsOptions options)
    {
        // A malformed value is reported by TwilioSettingsValidator at start-up; here it is simply not applied.
        if (TwilioSettingsValidator.TryParseBaseUrl(configuration[TwilioSettingNames.ApiBaseUrl], out Uri url))
        {
            options.ApiBaseUrl = url;
        }
    }

    public ValidateOptionsResult Validate(string? name, TwilioSmsOptions options)
    {
        List<string> failures = [];
        if (options.ApiBaseUrl is null || !TwilioSettingsValidator.TryParseBaseUrl(options.ApiBaseUrl.ToString(), out _))
        {
            failures.Add("Twilio ApiBaseUrl must be an absolute http or https URL.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add("Twilio RequestTimeout must be positive.");
        }

        if (options.MaxAttempts is < 1 or > 10)
        {
            failures.Add("Twilio MaxAttempts must be between 1 and 10.");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero || options.MaxRetryDelay < TimeSpan.Zero || options.ListLagAllowance < TimeSpan.Zero)
        {
            failures.Add("Twilio RetryBaseDelay, MaxRetryDelay and ListLagAllowance must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
