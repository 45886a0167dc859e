using System.Globalization;
using Durable.WebJobs;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;
using Twilio.WebJobs;

namespace PhoneVerification;

/// <summary>The sample's activity: texts a 4-digit code through the <c>[TwilioSms]</c> binding.</summary>
/// <remarks>
/// Activities run at least once: if the host dies after the SMS went out but before the result was stored, the activity
/// runs again. The code therefore comes from <see cref="ChallengeCodes"/>, keyed by the call (not drawn afresh per run),
/// so a retry has the very code the orchestrator will check; and every run first asks Twilio (or the outbox) whether that
/// SMS was already accepted, and sends it only if not. Every run, not only those counted as retries: after a power loss
/// the stored attempt count can roll back to 1 while the SMS it sent did go out. At worst (the check itself fails) the
/// user gets the same code twice, never a second code.
/// </remarks>
public sealed class SendSmsChallenge
{
    /// <summary>The activity function name.</summary>
    public const string FunctionName = "E4_SendSmsChallenge";

    /// <summary>How far back a run looks for the SMS an earlier run of the same call may have sent.</summary>
    internal static readonly TimeSpan SentLookback = TimeSpan.FromDays(1);

    private readonly IConfiguration configuration;
    private readonly ISentSmsLookup sentSms;
    private readonly ChallengeCodes codes;

    /// <summary>Creates the function (the host injects the settings and the lookup).</summary>
    /// <param name="configuration">App settings: <c>SmsChallengeTimeoutSeconds</c>, <c>SmsChallengeMaxAttempts</c>, the code key.</param>
    /// <param name="sentSms">Tells a run whether its SMS already went out.</param>
    public SendSmsChallenge(IConfiguration configuration, ISentSmsLookup sentSms)
        : this(configuration, sentSms, new ChallengeCodes(configuration ?? throw new ArgumentNullException(nameof(configuration))))
    {
    }

    /// <summary>Creates the function with a given code source (tests).</summary>
    /// <param name="configuration">App settings.</param>
    /// <param name="sentSms">Tells a run whether its SMS already went out.</param>
    /// <param name="codes">Derives each call's code.</param>
    internal SendSmsChallenge(IConfiguration configuration, ISentSmsLookup sentSms, ChallengeCodes codes)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(sentSms);
        ArgumentNullException.ThrowIfNull(codes);
        this.configuration = configuration;
        this.sentSms = sentSms;
        this.codes = codes;
    }

    /// <summary>
    /// Derives the call's code (0000 to 9999), queues the SMS <c>Your verification code is NNNN</c> to the phone number
    /// given as input (unless the look-up finds it already sent) and returns the code with the challenge rules, which the
    /// orchestrator keeps in its history.
    /// </summary>
    /// <remarks>
    /// The SMS is sent after the function returns (output binding); a Twilio error fails the activity and so the
    /// instance. The code is never logged: in Development the outbox shows it, in production only the phone does.
    /// </remarks>
    /// <param name="context">The activity context; its input is the E.164 number to text.</param>
    /// <param name="log">The function's logger.</param>
    /// <param name="messages">The SMS for the Twilio binding.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    /// <returns>The code and the rules.</returns>
    [FunctionName(FunctionName)]
    public async Task<SmsChallenge> Run(
        [ActivityTrigger] IDurableActivityContext context,
        ILogger log,
        [TwilioSms(AccountSidSetting = "TwilioAccountSid", AuthTokenSetting = "TwilioAuthToken", From = "%TwilioPhoneNumber%")]
            IAsyncCollector<CreateMessageOptions> messages,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(messages);
        string phoneNumber = context.GetInput<string>();
        SmsChallengeSettings settings = SmsChallengeSettings.Read(this.configuration);
        int challengeCode = this.codes.For(context.GetInvocationId());
        string body = string.Create(CultureInfo.InvariantCulture, $"Your verification code is {challengeCode:0000}");
        SmsChallenge challenge = new(challengeCode, settings.TimeoutSeconds, settings.MaxAttempts);

        // The attempt count only words the log: whether to send rests on the look-up, because a count acknowledged
        // before an fsync can come back as 1 after a power loss although the SMS went out.
        int attempt = context.GetAttempt();
        if (await this.AlreadySentAsync(phoneNumber, body, attempt, log, cancellationToken))
        {
            log.LogWarning("Attempt {Attempt} for {PhoneNumber}: an earlier run's SMS was already accepted; it is not sent again.", attempt, Mask(phoneNumber));
            return challenge;
        }

        if (attempt == 1)
        {
            log.LogInformation("Sending a verification code to {PhoneNumber}.", Mask(phoneNumber));
        }
        else
        {
            log.LogWarning("Attempt {Attempt} for {PhoneNumber}: an earlier attempt was cut off before its SMS was accepted; the same code is sent.", attempt, Mask(phoneNumber));
        }

        await messages.AddAsync(new CreateMessageOptions(new PhoneNumber(phoneNumber)) { Body = body }, cancellationToken);
        return challenge;
    }

    /// <summary>The number with all but its last four digits hidden, for logs.</summary>
    internal static string Mask(string? phoneNumber) =>
        phoneNumber is null || phoneNumber.Length <= 4 ? "****" : new string('*', phoneNumber.Length - 4) + phoneNumber[^4..];

    private async Task<bool> AlreadySentAsync(string phoneNumber, string body, int attempt, ILogger log, CancellationToken cancellationToken)
    {
        try
        {
            return await this.sentSms.WasSentAsync(phoneNumber, body, SentLookback, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or System.Text.Json.JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Unknown: sending again risks a duplicate of the same code, not sending risks no SMS at all.
            log.LogWarning("Attempt {Attempt} for {PhoneNumber}: could not check whether the earlier SMS went out ({Error}); sending it again.", attempt, Mask(phoneNumber), e.GetType().Name);
            return false;
        }
    }
}
