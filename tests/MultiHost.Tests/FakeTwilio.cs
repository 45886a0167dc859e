using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MultiHost.Tests;

/// <summary>
/// Twilio's Messages endpoint on loopback, shared by every host: the codes texted by any host (including one that is
/// killed later) land here, newest last per phone number, and waiters learn of each new one at once.
/// </summary>
internal sealed class FakeTwilio : IAsyncDisposable
{
    private readonly object gate = new();
    private readonly Dictionary<string, List<string>> codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource> arrivals = new(StringComparer.Ordinal);
    private WebApplication? app;

    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>How many SMS were sent in all (an activity re-run after a kill sends a second one).</summary>
    public int MessageCount
    {
        get
        {
            lock (this.gate)
            {
                return this.codes.Values.Sum(c => c.Count);
            }
        }
    }

    public async Task StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        this.app = builder.Build();
        this.app.MapPost("/2010-04-01/Accounts/{sid}/Messages.json", async (HttpContext context) =>
        {
            IFormCollection form = await context.Request.ReadFormAsync();
            string to = form["To"].ToString();
            string body = form["Body"].ToString();
            lock (this.gate)
            {
                if (!this.codes.TryGetValue(to, out List<string>? list))
                {
                    this.codes[to] = list = [];
                }

                list.Add(body[^4..]);
                if (this.arrivals.Remove(to, out TaskCompletionSource? waiter))
                {
                    waiter.TrySetResult();
                }
            }

            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsJsonAsync(new { sid = "SM" + Guid.NewGuid().ToString("N"), status = "queued" });
        });
        await this.app.StartAsync();
        this.BaseUrl = this.app.Urls.First();
    }

    /// <summary>The codes texted to <paramref name="phone"/> so far, oldest first.</summary>
    public IReadOnlyList<string> CodesFor(string phone)
    {
        lock (this.gate)
        {
            return this.codes.TryGetValue(phone, out List<string>? list) ? [.. list] : [];
        }
    }

    /// <summary>Completes when more than <paramref name="seen"/> codes were texted to <paramref name="phone"/>.</summary>
    public Task WhenMoreThanAsync(string phone, int seen)
    {
        lock (this.gate)
        {
            if (this.codes.TryGetValue(phone, out List<string>? list) && list.Count > seen)
            {
                return Task.CompletedTask;
            }

            if (!this.arrivals.TryGetValue(phone, out TaskCompletionSource? waiter))
            {
                this.arrivals[phone] = waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return waiter.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (this.app is not null)
        {
            await this.app.DisposeAsync();
        }
    }
}
