using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Description;
using Microsoft.Azure.WebJobs.Host.Config;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Twilio.Rest.Api.V2010.Account;
using Twilio.WebJobs.Bindings;

namespace Twilio.WebJobs.Config;

/// <summary>Wires <c>[TwilioSms]</c> to a collector that sends through <see cref="ITwilioClient"/> or the <see cref="SmsOutbox"/>.</summary>
[Extension("Twilio")]
internal sealed class TwilioExtensionConfigProvider(
    IConfiguration configuration,
    IOptions<TwilioSmsOptions> options,
    ITwilioClient client,
    SmsOutbox outbox,
    ILoggerFactory loggerFactory) : IExtensionConfigProvider
{
    private TwilioDeliveryMode mode;

    public void Initialize(ExtensionConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Fail the host start, not the first SMS, on missing, partial or malformed settings.
        this.mode = TwilioSettingsValidator.Validate(configuration);
        TwilioSmsOptions validated = options.Value;
        ILogger logger = loggerFactory.CreateLogger<TwilioExtensionConfigProvider>();
        if (this.mode == TwilioDeliveryMode.DevOutbox)
        {
            logger.DevOutboxActive();
        }
        else
        {
            logger.TwilioActive(validated.ApiBaseUrl);
        }

        // var: naming FluentBindingRule<T> trips its [Obsolete] marker, though every WebJobs extension uses it this way.
        var rule = context.AddBindingRule<TwilioSmsAttribute>();
        rule.AddValidator(this.ValidateBinding);
        rule.BindToCollector<CreateMessageOptions>(this.CreateCollector);
    }

    // Runs at indexing, so a function naming an unset setting stops the host start with this message.
    private void ValidateBinding(TwilioSmsAttribute attribute, Type parameterType)
    {
        (string? sid, string? token) = this.ReadCredentials(attribute);
        if ((sid is not null && token is not null) || (sid is null && token is null && this.mode == TwilioDeliveryMode.DevOutbox))
        {
            return;
        }

        // The SID setting's name is quoted; the token's is not, in case someone put the token itself in AuthTokenSetting.
        string missing = sid is null
            ? $"Account SID: the app setting '{attribute.AccountSidSetting ?? TwilioSettingNames.AccountSid}' (AccountSidSetting) is not set"
            : $"Auth Token: the app setting named by AuthTokenSetting (default '{TwilioSettingNames.AuthToken}') is not set";
        throw new InvalidOperationException($"The [TwilioSms] binding has no Twilio {missing}.");
    }

    private TwilioSmsAsyncCollector CreateCollector(TwilioSmsAttribute attribute)
    {
        (string? sid, string? token) = this.ReadCredentials(attribute);
        Func<CreateMessageOptions, CancellationToken, Task> send;
        if (sid is not null && token is not null)
        {
            TwilioCredentials credentials = new(sid, token);
            send = (message, cancellationToken) => TwilioMetrics.MeasureAsync(() => client.SendMessageAsync(credentials, message, cancellationToken));
        }
        else
        {
            // ValidateBinding admitted missing credentials only in outbox mode.
            send = (message, _) =>
            {
                outbox.Add(message.To.ToString(), message.From!.ToString(), message.Body!);
                return Task.CompletedTask;
            };
        }

        return new TwilioSmsAsyncCollector(send, attribute.From, attribute.Body);
    }

    private (string? Sid, string? Token) ReadCredentials(TwilioSmsAttribute attribute) =>
        (Read(attribute.AccountSidSetting ?? TwilioSettingNames.AccountSid), Read(attribute.AuthTokenSetting ?? TwilioSettingNames.AuthToken));

    private string? Read(string settingName)
    {
        string? value = configuration[settingName];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
