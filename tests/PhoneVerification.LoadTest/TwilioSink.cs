using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PhoneVerification.LoadTest;

/// <summary>
/// A Twilio-compatible Messages endpoint on 127.0.0.1: the host under test "texts" each code here, and the flow
/// waiting for that phone number learns it. Answers 201 with Twilio-shaped JSON, as the real API does.
/// </summary>
internal sealed class TwilioSink : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<int>> codes = new(StringComparer.Ordinal);
    private WebApplication? app;
    private long received;

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    public long Received => Interlocked.Read(ref this.received);

    public async Task StartAsync(int port)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        this.app = builder.Build();
        this.app.MapPost("/2010-04-01/Accounts/{sid}/Messages.json", this.ReceiveAsync);

        // The host asks Twilio's message list whether a verification's SMS already went out before it sends one.
        this.app.MapGet("/2010-04-01/Accounts/{sid}/Messages.json", this.List);
        await this.app.StartAsync().ConfigureAwait(false);
        string address = this.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        this.BaseUrl = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>The code texted to <paramref name="phone"/> (registered before the flow starts, so none is missed).</summary>
    public Task<int> CodeFor(string phone) => this.Slot(phone).Task;

    /// <summary>Forgets a phone number once its flow has the code (idle runs hold many).</summary>
    public void Forget(string phone) => this.codes.TryRemove(phone, out _);

    public async ValueTask DisposeAsync()
    {
        if (this.app is not null)
        {
            await this.app.StopAsync().ConfigureAwait(false);
            await this.app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private TaskCompletionSource<int> Slot(string phone) =>
        this.codes.GetOrAdd(phone, _ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Twilio's message list filtered by <c>To</c>: the code texted to that number, if any and not yet forgotten.</summary>
    private IResult List(string sid, [FromQuery(Name = "To")] string? to)
    {
        object[] messages = to is not null && this.codes.TryGetValue(to, out TaskCompletionSource<int>? slot) && slot.Task.IsCompletedSuccessfully
            ? [new { sid = "SM" + Guid.NewGuid().ToString("N"), account_sid = sid, to, body = $"Your verification code is {slot.Task.Result:0000}", status = "queued", date_created = DateTimeOffset.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture) }]
            : [];
        return Results.Json(new { messages });
    }

    private async Task<IResult> ReceiveAsync(string sid, HttpRequest request)
    {
        IFormCollection form = await request.ReadFormAsync().ConfigureAwait(false);
        string to = form["To"].ToString();
        string body = form["Body"].ToString();
        Interlocked.Increment(ref this.received);

        // The sample texts "Your verification code is NNNN".
        if (body.Length < 4 || !int.TryParse(body.AsSpan(body.Length - 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int code))
        {
            return Results.Json(new { code = 21602, message = "Message body is not a verification code.", more_info = string.Empty, status = 400 }, statusCode: 400);
        }

        this.Slot(to).TrySetResult(code);
        string messageSid = "SM" + Guid.NewGuid().ToString("N");
        return Results.Json(
            new { sid = messageSid, account_sid = sid, to, from = form["From"].ToString(), body, status = "queued", num_segments = "1" },
            statusCode: StatusCodes.Status201Created);
    }
}
