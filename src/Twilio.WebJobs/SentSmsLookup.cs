using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Twilio.WebJobs.Internal;

namespace Twilio.WebJobs;

/// <summary>
/// <see cref="ISentSmsLookup"/> over Twilio's message list (see <see cref="TwilioMessageList"/>) or, when the settings
/// select the development outbox, over the outbox.
/// </summary>
internal sealed class SentSmsLookup : ISentSmsLookup
{
    private readonly IConfiguration configuration;
    private readonly SmsOutbox outbox;
    private readonly IHttpClientFactory httpClientFactory;
    private readonly TwilioSmsOptions options;
    private readonly TimeProvider time;

    public SentSmsLookup(IConfiguration configuration, SmsOutbox outbox, IHttpClientFactory httpClientFactory, IOptions<TwilioSmsOptions> options, TimeProvider time)
    {
        this.configuration = configuration;
        this.outbox = outbox;
        this.httpClientFactory = httpClientFactory;
        this.options = options.Value;
        this.time = time;
    }

    public async Task<bool> WasSentAsync(string to, string body, TimeSpan lookback, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(to);
        ArgumentNullException.ThrowIfNull(body);
        DateTimeOffset since = this.time.GetUtcNow() - lookback;
        if (TwilioSettingsValidator.Validate(this.configuration) == TwilioDeliveryMode.DevOutbox)
        {
            return this.outbox.GetMessages(to).Any(m => m.Body == body && m.CreatedTime >= since);
        }

        // Trimmed as the binding trims them: blank-padded settings name the same account.
        TwilioCredentials credentials = new(this.configuration[TwilioSettingNames.AccountSid]!.Trim(), this.configuration[TwilioSettingNames.AuthToken]!.Trim());
        HttpClient http = this.httpClientFactory.CreateClient(TwilioRestClient.HttpClientName);
        TwilioMessageList.Listed? found = await TwilioMessageList.FindAsync(
            http, this.options.ApiBaseUrl, credentials, to, body, since, this.options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return found is not null;
    }
}
