using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace PhoneVerification;

/// <summary>The sample's activity: texts a random 4-digit code through the <c>[TwilioSms]</c> binding.</summary>
public sealed class SendSmsChallenge
{
    /// <summary>The activity function name.</summary>
    public const string FunctionName = "E4_SendSmsChallenge";

    private readonly IConfiguration configuration;
    private readonly Func<int, int> nextCode;

    /// <summary>Creates the function with a cryptographic random number generator (the host injects the settings).</summary>
    /// <param name="configuration">App settings: <c>SmsChallengeTimeoutSeconds</c>, <c>SmsChallengeMaxAttempts</c>.</param>
    public SendSmsChallenge(IConfiguration configuration)
        : this(configuration, RandomNumberGenerator.GetInt32)
    {
    }

    /// <summary>Creates the function with a given code source (tests).</summary>
    /// <param name="configuration">App settings.</param>
    /// <param name="nextCode">Returns a number from 0 to the argument, exclusive.</param>
    internal SendSmsChallenge(IConfiguration configuration, Func<int, int> nextCode)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(nextCode);
        this.configuration = configuration;
        this.nextCode = nextCode;
    }

    /// <summary>
    /// Picks a code from 0000 to 9999, queues the SMS <c>Your verification code is NNNN</c> to <paramref name="phoneNumber"/>
    /// and returns the code with the challenge rules, which the orchestrator keeps in its history.
    /// </summary>
    /// <remarks>
    /// The SMS is sent after the function returns (output binding); a Twilio error fails the activity and so the
    /// instance. The code is never logged: in Development the outbox shows it, in production only the phone does.
    /// </remarks>
    /// <param name="phoneNumber">The E.164 number to text.</param>
    /// <param name="log">The function's logger.</param>
    /// <param name="message">The SMS for the Twilio binding.</param>
    /// <returns>The code and the rules.</returns>
    [FunctionName(FunctionName)]
    public SmsChallenge Run(
        [ActivityTrigger] string phoneNumber,
        ILogger log,
        [TwilioSms(AccountSidSetting = "TwilioAccountSid", AuthTokenSetting = "TwilioAuthToken", From = "%TwilioPhoneNumber%")]
            out CreateMessageOptions message)
    {
        ArgumentNullException.ThrowIfNull(log);
        SmsChallengeSettings settings = SmsChallengeSettings.Read(this.configuration);
        int challengeCode = this.nextCode(10000);

        log.LogInformation("Sending a verification code to {PhoneNumber}.", Mask(phoneNumber));

        message = new CreateMessageOptions(new PhoneNumber(phoneNumber))
        {
            Body = string.Create(CultureInfo.InvariantCulture, $"Your verification code is {challengeCode:0000}"),
        };

        return new SmsChallenge(challengeCode, settings.TimeoutSeconds, settings.MaxAttempts);
    }

    /// <summary>The number with all but its last four digits hidden, for logs.</summary>
    internal static string Mask(string? phoneNumber) =>
        phoneNumber is null || phoneNumber.Length <= 4 ? "****" : new string('*', phoneNumber.Length - 4) + phoneNumber[^4..];
}
