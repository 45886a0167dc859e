namespace Twilio.WebJobs;

/// <summary>
/// Delivery settings of the Twilio client. Bound from the WebJobs extension section <c>AzureWebJobs:Extensions:Twilio</c>;
/// the app setting <c>TwilioApiBaseUrl</c>, when set, overrides <see cref="ApiBaseUrl"/>.
/// </summary>
public sealed class TwilioSmsOptions
{
    /// <summary>Twilio REST base URL; a regional edge (<c>https://api.dublin.ie1.twilio.com</c>) or a compatible fake.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.twilio.com");

    /// <summary>Time allowed for one HTTP request, headers and body. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Send requests per message, the first included (1–10; default 4; 1 disables retries). Also the number of failed
    /// look-ups of Twilio's message list tolerated while resolving a send whose outcome is unknown.
    /// </summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>First back-off delay; doubled per retry. Default 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts, also the cap on a server's <c>Retry-After</c>. Default 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long Twilio's message list may lag behind a message it accepted. A send whose answer was lost is declared "not
    /// sent", and sent again, only when the message is missing from the list twice, this far apart. Default 5 s.
    /// </summary>
    public TimeSpan ListLagAllowance { get; set; } = TimeSpan.FromSeconds(5);
}
