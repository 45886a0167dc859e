using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Twilio.WebJobs.Internal;

/// <summary>
/// Reads Twilio's message list (<c>GET .../Messages.json?To=...</c>, newest first) to tell whether a message with a given
/// recipient and text was accepted: the look-up behind both a retried activity's "already sent?" question and the
/// client's resolution of a send whose answer was lost.
/// </summary>
/// <remarks>
/// No <c>DateSent</c> filter: a message Twilio has accepted but not yet handed to a carrier (<c>queued</c>) has no
/// <c>date_sent</c>, and a just-accepted message is exactly the one being looked for. Age is checked on
/// <c>date_created</c> instead.
/// </remarks>
internal static class TwilioMessageList
{
    private const int PageSize = 50;

    /// <summary>The newest message to <paramref name="to"/> with exactly <paramref name="body"/> created at or after <paramref name="since"/>, or null.</summary>
    /// <exception cref="HttpRequestException">The list could not be read (network, or a non-2xx answer); the text holds no secret.</exception>
    /// <exception cref="TimeoutException">No answer within <paramref name="requestTimeout"/>.</exception>
    /// <exception cref="JsonException">The answer was not JSON.</exception>
    internal static async Task<Listed?> FindAsync(
        HttpClient http,
        Uri apiBaseUrl,
        TwilioCredentials credentials,
        string to,
        string body,
        DateTimeOffset since,
        TimeSpan requestTimeout,
        CancellationToken cancellationToken)
    {
        string root = apiBaseUrl.ToString().TrimEnd('/');
        Uri url = new($"{root}/2010-04-01/Accounts/{Uri.EscapeDataString(credentials.AccountSid)}/Messages.json?To={Uri.EscapeDataString(to)}&PageSize={PageSize}");
        using HttpRequestMessage request = new(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.AccountSid}:{credentials.AuthToken}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(requestTimeout);
        string text;
        try
        {
            using HttpResponseMessage response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                // The URL holds no secret; the credentials are in a header and never in the message.
                throw new HttpRequestException($"Twilio answered HTTP {(int)response.StatusCode} to GET {url.GetLeftPart(UriPartial.Path)}.", null, response.StatusCode);
            }

            text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Twilio did not answer GET {url.GetLeftPart(UriPartial.Path)} within {requestTimeout.TotalSeconds:0.###} s.", e);
        }

        using JsonDocument json = JsonDocument.Parse(text);
        if (!json.RootElement.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (JsonElement message in messages.EnumerateArray())
        {
            // date_created is RFC 2822 ("Wed, 18 Aug 2010 20:01:40 +0000"), to the second: hence the second's allowance.
            bool sameBody = message.TryGetProperty("body", out JsonElement listedBody) && listedBody.GetString() == body;
            bool recent = !message.TryGetProperty("date_created", out JsonElement created)
                || !DateTimeOffset.TryParse(created.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at)
                || at >= since.AddSeconds(-1);
            if (sameBody && recent)
            {
                return new Listed(GetString(message, "sid"), GetString(message, "status"));
            }
        }

        return null;
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A message found in the list.</summary>
    /// <param name="Sid">Its SID.</param>
    /// <param name="Status">Its current status.</param>
    internal sealed record Listed(string? Sid, string? Status);
}
