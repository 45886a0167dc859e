using System.Net;
using System.Net.Http.Headers;

namespace Twilio.WebJobs;

/// <summary>One send request and what its result means for the message.</summary>
public sealed partial class TwilioRestClient
{
    private enum PostOutcome
    {
        /// <summary>Twilio answered 2xx.</summary>
        Accepted,

        /// <summary>Twilio refused the message for good (a 4xx other than 408 and 429).</summary>
        Rejected,

        /// <summary>The message surely did not go out: the request never arrived, or Twilio answered 408, 429 or a 5xx.</summary>
        NotSent,

        /// <summary>The request went out and no usable answer came back: Twilio may or may not have accepted it.</summary>
        Unknown,
    }

    private async Task<PostResult> PostOnceAsync(HttpClient http, HttpRequestMessage request, Uri url, int attempt, CancellationToken cancellationToken)
    {
        // The timeout runs on the real clock, not the injected TimeProvider: it guards a real socket, and a fake clock
        // that fires back-off timers at once would otherwise cancel every request immediately.
        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(this.options.RequestTimeout);
        HttpResponseMessage response;
        string body;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            try
            {
                body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            return new PostResult(PostOutcome.Unknown, new TimeoutException(
                $"Twilio did not answer POST {url} within {this.options.RequestTimeout.TotalSeconds:0.###} s (attempt {attempt} of {this.MaxAttempts}).", e));
        }
        catch (HttpRequestException e) when (NeverReachedTwilio(e))
        {
            return new PostResult(PostOutcome.NotSent, e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // Lost after the request was (perhaps) written: "response ended prematurely", reset, garbled answer.
            return new PostResult(PostOutcome.Unknown, e);
        }

        using (response)
        {
            int status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new PostResult(PostOutcome.Accepted, null!) { Accepted = ParseSuccess(body) };
            }

            TwilioApiException error = ParseError(status, response.ReasonPhrase, body, attempt);
            PostOutcome kind = status switch
            {
                // A gateway answered, not Twilio: the request may have reached Twilio behind it.
                (int)HttpStatusCode.BadGateway or (int)HttpStatusCode.GatewayTimeout => PostOutcome.Unknown,
                (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500 => PostOutcome.NotSent,
                _ => PostOutcome.Rejected,
            };
            return new PostResult(kind, error) { Status = status, RetryAfter = kind == PostOutcome.Rejected ? null : this.RetryAfter(response) };
        }
    }

    // Only failures before the request was delivered; a connection lost mid-answer may follow an accepted message.
    private static bool NeverReachedTwilio(HttpRequestException error) =>
        error.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError;

    /// <summary>The server's <c>Retry-After</c>, capped at <see cref="TwilioSmsOptions.MaxRetryDelay"/>; null when absent.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? retryAfter = response.Headers.RetryAfter;
        TimeSpan? requested = retryAfter?.Delta
            ?? (retryAfter?.Date is DateTimeOffset date ? date - this.timeProvider.GetUtcNow() : null);

        // Honour the server, but never wait longer than MaxRetryDelay: an activity must not hang on a huge header.
        return requested is TimeSpan wait
            ? (wait < TimeSpan.Zero ? TimeSpan.Zero : wait > this.options.MaxRetryDelay ? this.options.MaxRetryDelay : wait)
            : null;
    }

    /// <summary>The result of one request.</summary>
    private sealed record PostResult(PostOutcome Kind, Exception Error)
    {
        public TwilioMessageResult? Accepted { get; init; }

        public int? Status { get; init; }

        public TimeSpan? RetryAfter { get; init; }
    }
}
