using Durable.Testing.Processes;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.CliTests;

/// <summary>One SQLite app folder with a host process running on its file, shared by a test class.</summary>
public sealed class SqliteHostFixture : IAsyncLifetime
{
    public const string Hub = "CliHub";
    // Generous: the machine running the suite may be shared by several builds at once.
    private static readonly TimeSpan WaitDeadline = TimeSpan.FromSeconds(120);
    private HostProcess? host;

    internal AppFolder App { get; } = AppFolder.Sqlite(Hub);

    internal HostProcess Host => this.host ?? throw new InvalidOperationException("The host is not running.");

    /// <summary>A client with the host's address as its base.</summary>
    internal HttpClient Client { get; private set; } = new();

    /// <summary>Starts the host in Development (SMS to the dev outbox, no keys on loopback) and waits for its banner.</summary>
    public async Task InitializeAsync()
    {
        this.host = HostProcess.Start(new HostProcessOptions
        {
            AppFolder = this.App.Path,
            Environment = this.App.Environment.ToDictionary(setting => setting.Key, setting => (string?)setting.Value),
            Arguments = ["--environment", "Development"],
        });
        this.Client.Dispose();
        this.Client = new HttpClient { BaseAddress = this.host.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        await this.host.WaitForOutputAsync("Task hub: ", WaitDeadline);
    }

    public async Task DisposeAsync()
    {
        if (this.host is not null)
        {
            await this.host.DisposeAsync();
        }

        this.Client.Dispose();

        this.App.Dispose();
    }

    /// <summary>The status as the host's HTTP API shows it (<c>GET /runtime/webhooks/durabletask/instances/{id}</c>).</summary>
    internal async Task<JObject> HttpStatusAsync(string instanceId, string query = "")
    {
        string text = await this.Client.GetStringAsync($"/runtime/webhooks/durabletask/instances/{instanceId}{query}");
        return JObject.Parse(text);
    }

    /// <summary>Polls the host's API until the instance has <paramref name="runtimeStatus"/> (bounded).</summary>
    internal async Task WaitForStatusAsync(string instanceId, string runtimeStatus)
    {
        DateTime deadline = DateTime.UtcNow + WaitDeadline;
        string? seen = null;
        while (DateTime.UtcNow < deadline)
        {
            seen = (string?)(await this.HttpStatusAsync(instanceId))["runtimeStatus"];
            if (seen == runtimeStatus)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Instance '{instanceId}' did not reach {runtimeStatus} within {WaitDeadline} (last seen {seen}). Host output:\n{this.Host.Output}");
    }

    /// <summary>Polls the dev outbox until a code was texted to <paramref name="phoneNumber"/> (bounded).</summary>
    internal async Task<string> WaitForCodeAsync(string phoneNumber)
    {
        DateTime deadline = DateTime.UtcNow + WaitDeadline;
        while (DateTime.UtcNow < deadline)
        {
            JArray messages = JArray.Parse(await this.Client.GetStringAsync($"/dev/outbox?to={Uri.EscapeDataString(phoneNumber)}"));
            if (messages.Count > 0)
            {
                string body = (string?)messages[messages.Count - 1]["body"] ?? string.Empty;
                return body[^4..];
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No code was texted to {phoneNumber} within {WaitDeadline}. Host output:\n{this.Host.Output}");
    }
}
