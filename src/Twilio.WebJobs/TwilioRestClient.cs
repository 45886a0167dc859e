using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Twilio.Rest.Api.V2010.Account;
using Twilio.WebJobs.Internal;

namespace Twilio.WebJobs;

/// <summary>
/// <see cref="ITwilioClient"/> over <see cref="HttpClient"/>: POST <c>{ApiBaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json</c>,
/// Basic auth, form-encoded <c>To</c>/<c>From</c>/<c>Body</c>, bounded retries on 429 and 5xx, a timeout per request.
/// </summary>
public sealed partial class TwilioRestClient : ITwilioClient
{
    /// <summary>Name of the <see cref="IHttpClientFactory"/> client this class uses.</summary>
    public const string HttpClientName = "Twilio";

    private readonly IHttpClientFactory httpClientFactory;
    private readonly TwilioSmsOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;

    /// <summary>Creates the client.</summary>
    /// <param name="httpClientFactory">Source of the <c>Twilio</c> named client.</param>
    /// <param name="options">Base URL, timeout and retry settings.</param>
    /// <param name="timeProvider">Clock for back-off waits; a fake one makes retry tests instant.</param>
    /// <param name="logger">Logger; it never receives credentials.</param>
    public TwilioRestClient(
        IHttpClientFactory httpClientFactory,
        IOptions<TwilioSmsOptions> options,
        TimeProvider timeProvider,
        ILogger<TwilioRestClient> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        this.httpClientFactory = httpClientFactory;
        this.options = options.Value;
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    /// <inheritdoc />
    public async Task<TwilioMessageResult> SendMessageAsync(
        TwilioCredentials credentials,
        CreateMessageOptions message,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(message);
        PhoneNumberFormat.ValidateMessage(message);

        Uri url = this.MessagesUrl(credentials.AccountSid);
        int maxAttempts = Math.Max(1, this.options.MaxAttempts);
        HttpClient http = this.httpClientFactory.CreateClient(HttpClientName);
        for (int attempt = 1; ; attempt++)
        {
            using HttpRequestMessage request = CreateRequest(url, credentials, message);
            HttpResponseMessage response;
            string body;
            try
            {
                (response, body) = await this.SendOnceAsync(http, request, url, attempt, maxAttempts, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (attempt < maxAttempts && NeverReachedTwilio(ex) && !cancellationToken.IsCancellationRequested)
            {
                // The request never got through, so Twilio cannot have accepted it and a retry cannot duplicate an SMS.
                TimeSpan delay = this.Backoff(attempt);
                this.logger.RetryingAfterNetworkError(ex, url.Host, attempt, maxAttempts, delay.TotalMilliseconds);
                await Task.Delay(delay, this.timeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }

            using (response)
            {
                int status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    TwilioMessageResult result = ParseSuccess(body);
                    this.logger.SmsAccepted(result.Sid, Mask(message.To.ToString()), result.Status);
                    return result;
                }

                if (IsRetryable(response.StatusCode) && attempt < maxAttempts)
                {
                    TimeSpan delay = this.RetryDelay(response, attempt);
                    this.logger.RetryingAfterStatus(status, attempt, maxAttempts, delay.TotalMilliseconds);
                    await Task.Delay(delay, this.timeProvider, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw ParseError(status, response.ReasonPhrase, body, attempt);
            }
        }
    }

    private async Task<(HttpResponseMessage Response, string Body)> SendOnceAsync(
        HttpClient http, HttpRequestMessage request, Uri url, int attempt, int maxAttempts, CancellationToken cancellationToken)
    {
        // The timeout runs on the real clock, not the injected TimeProvider: it guards a real socket, and a fake clock
        // that fires back-off timers at once would otherwise cancel every request immediately.
        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(this.options.RequestTimeout);
        HttpResponseMessage? response = null;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            return (response, body);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();

            // Not retried: Twilio may have accepted the message before going quiet, and a retry could text the user twice.
            throw new TimeoutException(
                $"Twilio did not answer POST {url} within {this.options.RequestTimeout.TotalSeconds:0.###} s " +
                $"(attempt {attempt} of {maxAttempts}); the SMS may or may not have been sent and was not retried.",
                ex);
        }
        catch
        {
            response?.Dispose();
            throw;
        }
    }

    private Uri MessagesUrl(string accountSid)
    {
        // String concatenation keeps any path on the base URL (a fake mounted under /twilio, say).
        string root = this.options.ApiBaseUrl.ToString().TrimEnd('/');
        return new Uri($"{root}/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/Messages.json");
    }

    private static HttpRequestMessage CreateRequest(Uri url, TwilioCredentials credentials, CreateMessageOptions message)
    {
        HttpRequestMessage request = new(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent(
            [
                new("To", message.To.ToString()),
                new("From", message.From!.ToString()),
                new("Body", message.Body!),
            ]),
        };
        string basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.AccountSid}:{credentials.AuthToken}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    // Only failures before the request was delivered; a connection lost mid-answer may follow an accepted message.
    private static bool NeverReachedTwilio(HttpRequestException error) =>
        error.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError;

    private static bool IsRetryable(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    private TimeSpan RetryDelay(HttpResponseMessage response, int attempt)
    {
        RetryConditionHeaderValue? retryAfter = response.Headers.RetryAfter;
        TimeSpan? requested = retryAfter?.Delta
            ?? (retryAfter?.Date is DateTimeOffset date ? date - this.timeProvider.GetUtcNow() : null);
        if (requested is TimeSpan wait)
        {
            // Honour the server, but never wait longer than MaxRetryDelay: an activity must not hang on a huge header.
            return Clamp(wait, TimeSpan.Zero, this.options.MaxRetryDelay);
        }

        return this.Backoff(attempt);
    }

    private TimeSpan Backoff(int attempt)
    {
        double factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        double ms = Math.Min(this.options.RetryBaseDelay.TotalMilliseconds * factor, this.options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms);
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) =>
        value < min ? min : value > max ? max : value;

    /// <summary>Keeps the country code and last four digits so logs identify a message without a full phone number.</summary>
    private static string Mask(string number) =>
        number.Length <= 6 ? number : string.Concat(number.AsSpan(0, 2), new string('*', number.Length - 6), number.AsSpan(number.Length - 4));
}
