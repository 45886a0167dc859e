using System.Text.Json;
using Twilio.Rest.Api.V2010.Account;
using Twilio.WebJobs.Internal;

namespace Twilio.WebJobs;

/// <summary>Resolving a send whose outcome is unknown by reading Twilio's message list.</summary>
public sealed partial class TwilioRestClient
{
    /// <summary>
    /// Asks Twilio's message list whether <paramref name="message"/> was accepted since <paramref name="since"/>. "No" is
    /// believed only after two misses <see cref="TwilioSmsOptions.ListLagAllowance"/> apart, because the list can lag a
    /// just-accepted message. Failed look-ups are retried with back-off, up to <see cref="TwilioSmsOptions.MaxAttempts"/>.
    /// </summary>
    private async Task<Resolution> ResolveAsync(
        HttpClient http, TwilioCredentials credentials, CreateMessageOptions message, DateTimeOffset since, CancellationToken cancellationToken)
    {
        string to = message.To.ToString();
        int misses = 0;
        int failures = 0;
        while (true)
        {
            TwilioMessageList.Listed? listed;
            try
            {
                listed = await TwilioMessageList.FindAsync(
                    http, this.options.ApiBaseUrl, credentials, to, message.Body!, since, this.options.RequestTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or IOException or JsonException && !cancellationToken.IsCancellationRequested)
            {
                failures++;
                if (failures >= this.MaxAttempts)
                {
                    return new Resolution(null, e);
                }

                TimeSpan delay = this.Backoff(failures);
                this.logger.LookupFailed(e, failures, this.MaxAttempts, delay.TotalMilliseconds);
                await Task.Delay(delay, this.timeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (listed is not null)
            {
                return new Resolution(new TwilioMessageResult(listed.Sid, listed.Status), null);
            }

            misses++;
            if (misses >= 2)
            {
                return new Resolution(null, null);
            }

            this.logger.NotListedYet(Mask(to), this.options.ListLagAllowance.TotalMilliseconds);
            await Task.Delay(this.options.ListLagAllowance, this.timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What the list said: accepted (<paramref name="Found"/>), not accepted (both null), or unreadable (<paramref name="LookupError"/>).</summary>
    private sealed record Resolution(TwilioMessageResult? Found, Exception? LookupError);
}
