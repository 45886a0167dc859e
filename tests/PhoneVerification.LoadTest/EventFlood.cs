using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Durable.Testing.Twilio;

namespace PhoneVerification.LoadTest;

/// <summary>
/// The hostile neighbour of a run (<c>--flood-events</c>): one instance, started like any flow and left waiting, is
/// sent events of <c>--flood-bytes</c> each (a JSON string filling the body) while the measured flows run, so their
/// latency shows what a client raising large events on one instance costs everyone else. The host's RSS is sampled
/// meanwhile.
/// </summary>
internal sealed class EventFlood
{
    private const string EventName = "Flood";
    private readonly HttpClient client;
    private readonly FakeTwilioServer sink;
    private readonly LoadTestOptions options;
    private readonly Uri baseUrl;
    private readonly Dictionary<int, int> statuses = [];
    private Uri? raise;
    private double peakRssMb;

    public EventFlood(HttpClient client, FakeTwilioServer sink, LoadTestOptions options, Uri baseUrl)
    {
        this.client = client;
        this.sink = sink;
        this.options = options;
        this.baseUrl = baseUrl;
    }

    /// <summary>Starts the target instance and waits until it has sent its SMS (it then waits for answers).</summary>
    public async Task PrepareAsync(string phone, CancellationToken cancellationToken)
    {
        Task<FakeTwilioMessage> sms = this.sink.WhenAcceptedAsync(phone);
        using StringContent content = new($"\"{phone}\"", Encoding.UTF8, "application/json");
        using HttpResponseMessage started = await this.client.PostAsync(new Uri(this.baseUrl, "orchestrators/E4_SmsPhoneVerification"), content, cancellationToken).ConfigureAwait(false);
        string body = await started.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (started.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"flood target: start gave {(int)started.StatusCode}: {body}");
        }

        using JsonDocument links = JsonDocument.Parse(body);
        this.raise = new Uri(links.RootElement.GetProperty("sendEventPostUri").GetString()!.Replace("{eventName}", EventName, StringComparison.Ordinal));
        await sms.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        this.sink.Forget(phone);
    }

    /// <summary>Sends the events (paced by <c>--flood-interval-ms</c>, else 4 at a time) and samples the host's RSS until <paramref name="runDone"/>.</summary>
    public async Task<JsonObject> RunAsync(int? hostPid, Task runDone, CancellationToken cancellationToken)
    {
        Stopwatch clock = Stopwatch.StartNew();
        Task sampling = this.SampleRssAsync(hostPid, runDone, cancellationToken);
        byte[] payload = Encoding.UTF8.GetBytes("\"" + new string('x', this.options.FloodBytes - 2) + "\"");
        int remaining = this.options.FloodEvents;
        async Task SendAsync()
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                using ByteArrayContent content = new(payload);
                content.Headers.ContentType = new("application/json");
                using HttpResponseMessage response = await this.client.PostAsync(this.raise!, content, cancellationToken).ConfigureAwait(false);
                lock (this.statuses)
                {
                    this.statuses[(int)response.StatusCode] = this.statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                }

                if (this.options.FloodInterval > TimeSpan.Zero)
                {
                    await Task.Delay(this.options.FloodInterval, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        int senders = this.options.FloodInterval > TimeSpan.Zero ? 1 : 4;
        await Task.WhenAll(Enumerable.Range(0, senders).Select(_ => SendAsync())).ConfigureAwait(false);
        TimeSpan sending = clock.Elapsed;
        await sampling.ConfigureAwait(false);

        JsonObject statusCounts = [];
        foreach ((int status, int count) in this.statuses.OrderBy(p => p.Key))
        {
            statusCounts[status.ToString(CultureInfo.InvariantCulture)] = count;
        }

        return new JsonObject
        {
            ["events"] = this.options.FloodEvents,
            ["bodyBytes"] = payload.Length,
            ["statuses"] = statusCounts,
            ["sendingS"] = Math.Round(sending.TotalSeconds, 3),
            ["hostPeakRssMb"] = this.peakRssMb > 0 ? this.peakRssMb : null,
        };
    }

    private async Task SampleRssAsync(int? hostPid, Task runDone, CancellationToken cancellationToken)
    {
        while (!runDone.IsCompleted)
        {
            if (HostMetrics.RssMegabytes(hostPid) is { } rss)
            {
                this.peakRssMb = Math.Max(this.peakRssMb, rss);
            }

            await Task.WhenAny(runDone, Task.Delay(200, cancellationToken)).ConfigureAwait(false);
        }
    }
}
