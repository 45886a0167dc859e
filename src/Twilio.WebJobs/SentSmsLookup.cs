using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Twilio.WebJobs;

/// <summary>
/// <see cref="ISentSmsLookup"/> over Twilio's message list (<c>GET .../Messages.json?To=...&amp;DateSent&gt;=...</c>, newest
/// first) or, when the settings select the development outbox, over the outbox.
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

        string accountSid = this.configuration[TwilioSettingNames.AccountSid]!;
        string authToken = this.configuration[TwilioSettingNames.AuthToken]!;
        string root = this.options.ApiBaseUrl.ToString().TrimEnd('/');
        Uri url = new(
            $"{root}/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/Messages.json" +
            $"?To={Uri.EscapeDataString(to)}&DateSent%3E={since.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}&PageSize=100");
        using HttpRequestMessage request = new(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{authToken}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(this.options.RequestTimeout);
        HttpClient http = this.httpClientFactory.CreateClient(TwilioRestClient.HttpClientName);
        using HttpResponseMessage response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // The URL holds no secret; the credentials are in a header and never in the message.
            throw new HttpRequestException($"Twilio answered HTTP {(int)response.StatusCode} to GET {url.GetLeftPart(UriPartial.Path)}.", null, response.StatusCode);
        }

        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false));
        if (!json.RootElement.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (JsonElement message in messages.EnumerateArray())
        {
            // date_created is RFC 2822 ("Wed, 18 Aug 2010 20:01:40 +0000"), to the second.
            bool sameBody = message.TryGetProperty("body", out JsonElement text) && text.GetString() == body;
            bool recent = !message.TryGetProperty("date_created", out JsonElement created)
                || !DateTimeOffset.TryParse(created.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at)
                || at >= since.AddSeconds(-1);
            if (sameBody && recent)
            {
                return true;
            }
        }

        return false;
    }
}
