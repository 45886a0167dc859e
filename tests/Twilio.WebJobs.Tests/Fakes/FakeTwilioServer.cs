using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Twilio.WebJobs.Tests.Fakes;

/// <summary>A Twilio-compatible server on 127.0.0.1 (Kestrel, port 0) that records requests and plays scripted answers.</summary>
public sealed class FakeTwilioServer : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";

    // Not a real credential; unique enough that finding it in a log line cannot be a coincidence.
    public const string AuthToken = "fake-token-7c41e09b5d2a";

    private readonly WebApplication app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> script = new();
    private readonly CancellationTokenSource stopping = new();
    private int disposed;

    private FakeTwilioServer(WebApplication app)
    {
        this.app = app;
    }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<FakeTwilioServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(1));
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        FakeTwilioServer server = new(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address);
        return server;
    }

    /// <summary>Queues the answer to the next request; unscripted requests get a 201 like Twilio's.</summary>
    public void Enqueue(Func<HttpContext, Task> responder) => this.script.Enqueue(responder);

    public static Func<HttpContext, Task> Created(string sid) =>
        context => Json(context, HttpStatusCode.Created, $$"""{"sid":"{{sid}}","status":"queued","account_sid":"{{AccountSid}}","api_version":"2010-04-01"}""");

    public static Func<HttpContext, Task> Error(HttpStatusCode status, int code, string message, string? retryAfter = null) =>
        context =>
        {
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            string json = $$"""{"code":{{code}},"message":"{{message}}","more_info":"https://www.twilio.com/docs/errors/{{code}}","status":{{(int)status}}}""";
            return Json(context, status, json);
        };

    public Func<HttpContext, Task> Hang() => async context =>
    {
        using CancellationTokenSource both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, this.stopping.Token);
        try
        {
            await Task.Delay(Timeout.Infinite, both.Token);
        }
        catch (OperationCanceledException)
        {
            // The client gave up or the test ended.
        }
    };

    public async ValueTask DisposeAsync()
    {
        // Idempotent: a test may stop the server early to simulate an unreachable Twilio.
        if (Interlocked.Exchange(ref this.disposed, 1) == 1)
        {
            return;
        }

        await this.stopping.CancelAsync();
        await this.app.StopAsync();
        await this.app.DisposeAsync();
        this.stopping.Dispose();
    }

    private static async Task Json(HttpContext context, HttpStatusCode status, string json)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using StreamReader reader = new(context.Request.Body);
        string raw = await reader.ReadToEndAsync();
        Dictionary<string, string> form = QueryHelpers.ParseQuery(raw).ToDictionary(pair => pair.Key, pair => pair.Value.ToString());
        this.Requests.Enqueue(new RecordedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? string.Empty,
            context.Request.Headers.Authorization.ToString(),
            context.Request.ContentType,
            raw,
            form));
        Func<HttpContext, Task> respond = this.script.TryDequeue(out Func<HttpContext, Task>? next) ? next : Created("SM" + Guid.NewGuid().ToString("N"));
        await respond(context);
    }
}
