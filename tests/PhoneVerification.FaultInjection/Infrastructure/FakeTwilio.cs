using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PhoneVerification.FaultInjection.Infrastructure;

/// <summary>
/// A Twilio-compatible Messages endpoint on 127.0.0.1 that records every SMS it accepts (that is what the user's phone
/// receives) and can hold a request open, so the test can kill the host in the middle of the send. A held request
/// counts as sent: Twilio had the whole request, as a real send cut by a crash would leave it.
/// </summary>
internal sealed class FakeTwilio : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";

    // Not a real credential.
    public const string AuthToken = "fault-injection-token-5be1c0d2";

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<SentSms>> byPhone = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> heldPhones = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private TaskCompletionSource<SentSms>? holdNext;
    private int lookups;

    private FakeTwilio(WebApplication app)
    {
        this.app = app;
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>How many times the host asked whether an SMS was already sent (retried activities do).</summary>
    public int Lookups => Volatile.Read(ref this.lookups);

    public static async Task<FakeTwilio> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(1));
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        FakeTwilio server = new(app);
        app.MapPost("/2010-04-01/Accounts/{sid}/Messages.json", server.SendAsync);
        app.MapGet("/2010-04-01/Accounts/{sid}/Messages.json", server.ListAsync);
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    /// <summary>The SMS texted to <paramref name="phone"/> so far, oldest first.</summary>
    public IReadOnlyList<SentSms> SentTo(string phone) =>
        this.byPhone.TryGetValue(phone, out ConcurrentQueue<SentSms>? sent) ? [.. sent] : [];

    /// <summary>Every SMS so far.</summary>
    public IReadOnlyList<SentSms> All => [.. this.byPhone.Values.SelectMany(q => q)];

    /// <summary>How long each send is answered after it was accepted (the SMS counts as sent on arrival): keeps sends in flight.</summary>
    public TimeSpan SendDelay { get; set; }

    /// <summary>Holds the next first send to a number open (until the client goes away); completes when one is held.</summary>
    public Task<SentSms> HoldNextSendAsync()
    {
        TaskCompletionSource<SentSms> held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref this.holdNext, held)?.TrySetCanceled();
        return held.Task;
    }

    /// <summary>Stops holding: a hold that caught nothing is dropped.</summary>
    public void CancelHold() => Interlocked.Exchange(ref this.holdNext, null)?.TrySetCanceled();

    public async ValueTask DisposeAsync()
    {
        await this.stopping.CancelAsync();
        await this.app.StopAsync();
        await this.app.DisposeAsync();
        this.stopping.Dispose();
    }

    /// <summary>Twilio's message list, filtered by <c>To</c> (the only filter the host uses besides the day), newest first.</summary>
    private async Task ListAsync(HttpContext context)
    {
        Interlocked.Increment(ref this.lookups);
        string to = context.Request.Query["To"].ToString();
        var messages = this.SentTo(to).Reverse().Select(m => new
        {
            sid = "SM" + Guid.NewGuid().ToString("N"),
            to = m.To,
            body = m.Body,
            date_created = m.Received.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", System.Globalization.CultureInfo.InvariantCulture),
        });
        await context.Response.WriteAsJsonAsync(new { messages });
    }

    private async Task SendAsync(HttpContext context)
    {
        IFormCollection form = await context.Request.ReadFormAsync();
        string to = form["To"].ToString();
        string body = form["Body"].ToString();
        SentSms sms = new(to, body, DateTimeOffset.UtcNow);
        this.byPhone.GetOrAdd(to, _ => new ConcurrentQueue<SentSms>()).Enqueue(sms);

        // Only a number's first send is held: holding every resend of one activity would only test the poison cap.
        if (this.heldPhones.TryAdd(to, 0) && Interlocked.Exchange(ref this.holdNext, null) is { } hold)
        {
            hold.TrySetResult(sms);
            using CancellationTokenSource both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, this.stopping.Token);
            try
            {
                await Task.Delay(Timeout.Infinite, both.Token);
            }
            catch (OperationCanceledException)
            {
                // The host was killed mid-send (or the test ended): the SMS went out, its answer never arrived.
                return;
            }
        }

        if (this.SendDelay > TimeSpan.Zero)
        {
            await Task.Delay(this.SendDelay, CancellationToken.None);
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"sid":"SM{{Guid.NewGuid():N}}","status":"queued","account_sid":"{{AccountSid}}","api_version":"2010-04-01"}""");
    }
}

/// <summary>One SMS the fake Twilio accepted.</summary>
/// <param name="To">The recipient.</param>
/// <param name="Body">The text.</param>
/// <param name="Received">When the request arrived.</param>
internal sealed record SentSms(string To, string Body, DateTimeOffset Received)
{
    /// <summary>The 4-digit code at the end of the sample's text.</summary>
    public string Code => this.Body.Length >= 4 ? this.Body[^4..] : this.Body;
}
