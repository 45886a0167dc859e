using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Twilio.Rest.Api.V2010.Account;
using Twilio.WebJobs.Internal;

namespace Twilio.WebJobs;

/// <summary>
/// <see cref="ITwilioClient"/> over <see cref="HttpClient"/>: POST <c>{ApiBaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json</c>,
/// Basic auth, form-encoded <c>To</c>/<c>From</c>/<c>Body</c>, a timeout per request, and a bounded retry budget.
/// </summary>
/// <remarks>
/// Each send ends in one of three ways. Twilio accepted it (201, or a lost answer that its message list then shows).
/// Twilio rejected it definitively (any other 4xx, e.g. 21211 invalid number): <see cref="TwilioApiException"/>. Or the
/// budget ran out: <see cref="TwilioRetriesExhaustedException"/>. Within the budget, a request that surely did not
/// reach Twilio (connection refused, DNS, TLS; 429; 500, 503 and other 5xx answered by Twilio) is sent again after a
/// back-off that honours <c>Retry-After</c>; a request whose outcome is unknown (connection lost before the answer,
/// timeout after the request was written, 502/504 from a gateway) is first looked up in Twilio's message list and sent
/// again only when it is missing there twice, <see cref="TwilioSmsOptions.ListLagAllowance"/> apart.
/// </remarks>
public sealed partial class TwilioRestClient : ITwilioClient
{
    /// <summary>Name of the <see cref="IHttpClientFactory"/> client this class uses.</summary>
    public const string HttpClientName = "Twilio";

    // A message accepted up to this long before the first request (clock skew between us and Twilio) counts as this one.
    private static readonly TimeSpan ClockAllowance = TimeSpan.FromSeconds(30);

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

    private int MaxAttempts => Math.Max(1, this.options.MaxAttempts);

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
        string to = message.To.ToString();
        HttpClient http = this.httpClientFactory.CreateClient(HttpClientName);
        DateTimeOffset since = this.timeProvider.GetUtcNow() - ClockAllowance;
        for (int attempt = 1; ; attempt++)
        {
            using HttpRequestMessage request = CreateRequest(url, credentials, message);
            PostResult result = await this.PostOnceAsync(http, request, url, attempt, cancellationToken).ConfigureAwait(false);
            switch (result.Kind)
            {
                case PostOutcome.Accepted:
                    this.logger.SmsAccepted(result.Accepted!.Sid, Mask(to), result.Accepted.Status);
                    return result.Accepted;

                case PostOutcome.Rejected:
                    throw result.Error;

                case PostOutcome.NotSent:
                    if (attempt >= this.MaxAttempts)
                    {
                        throw new TwilioRetriesExhaustedException(attempt, mayHaveBeenSent: false, result.Error);
                    }

                    TimeSpan delay = result.RetryAfter ?? this.Backoff(attempt);
                    this.LogRetry(result, url, attempt, delay);
                    await Task.Delay(delay, this.timeProvider, cancellationToken).ConfigureAwait(false);
                    break;

                default:
                    this.logger.OutcomeUnknown(attempt, this.MaxAttempts, Mask(to), result.Error.Message);
                    if (result.RetryAfter is TimeSpan wait)
                    {
                        await Task.Delay(wait, this.timeProvider, cancellationToken).ConfigureAwait(false);
                    }

                    Resolution resolution = await this.ResolveAsync(http, credentials, message, since, cancellationToken).ConfigureAwait(false);
                    if (resolution.Found is TwilioMessageResult found)
                    {
                        this.logger.ConfirmedAccepted(found.Sid, Mask(to));
                        return found;
                    }

                    if (resolution.LookupError is Exception unreadable)
                    {
                        throw new TwilioRetriesExhaustedException(attempt, mayHaveBeenSent: true, unreadable);
                    }

                    if (attempt >= this.MaxAttempts)
                    {
                        throw new TwilioRetriesExhaustedException(attempt, mayHaveBeenSent: false, result.Error);
                    }

                    this.logger.NotAcceptedResending(Mask(to));
                    break;
            }
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

    private void LogRetry(PostResult result, Uri url, int attempt, TimeSpan delay)
    {
        if (result.Status is int status)
        {
            this.logger.RetryingAfterStatus(status, attempt, this.MaxAttempts, delay.TotalMilliseconds);
        }
        else
        {
            this.logger.RetryingAfterNetworkError(result.Error, url.Host, attempt, this.MaxAttempts, delay.TotalMilliseconds);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        double factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        double ms = Math.Min(this.options.RetryBaseDelay.TotalMilliseconds * factor, this.options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>Keeps the country code and last four digits so logs identify a message without a full phone number.</summary>
    private static string Mask(string number) =>
        number.Length <= 6 ? number : string.Concat(number.AsSpan(0, 2), new string('*', number.Length - 6), number.AsSpan(number.Length - 4));
}
