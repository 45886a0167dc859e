using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FunctionsHost;
using Microsoft.AspNetCore.Builder;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>
/// The real host, in-process on a free port, with the repository's host.json (copied to a temp app folder so a
/// developer's local.settings.json cannot leak in), a temp SQLite file and the development outbox. Tests talk to it
/// over HTTP only.
/// </summary>
internal sealed class TestHost : IAsyncDisposable
{
    public const string WebhookBase = "/runtime/webhooks/durabletask";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly WebApplication app;
    private readonly string folder;

    private TestHost(WebApplication app, string folder, HttpClient client, StringWriter banner)
    {
        this.app = app;
        this.folder = folder;
        this.Client = client;
        this.Banner = banner;
    }

    public HttpClient Client { get; }

    /// <summary>The temp app folder (host.json, durable.db, secrets/).</summary>
    public string AppFolder => this.folder;

    public StringWriter Banner { get; }

    /// <summary>Cancelled once the host begins to stop (for instance on its own, after a store failure).</summary>
    public CancellationToken Stopping => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>(this.app.Services).ApplicationStopping;

    /// <summary>The code the process would exit with: 0, or <see cref="StoreFailStop.ExitCodeOnStoreFailure"/> after a store failure.</summary>
    public int ExitCode => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<StoreFailStop>(this.app.Services).ExitCode ?? 0;

    /// <summary>Starts the host on a free port.</summary>
    /// <param name="timeoutSeconds">SmsChallengeTimeoutSeconds.</param>
    /// <param name="settings">Extra settings (win over everything).</param>
    /// <param name="environmentName">The environment.</param>
    /// <param name="hostJson">host.json text; null = the repository's host.json.</param>
    /// <param name="functionTypes">The function classes; null = the PhoneVerification app.</param>
    /// <param name="configure">Last changes to the options (extra services, e.g. a store or a log capture).</param>
    public static async Task<TestHost> StartAsync(
        int timeoutSeconds = 30,
        IDictionary<string, string?>? settings = null,
        string environmentName = "Development",
        string? hostJson = null,
        IReadOnlyList<Type>? functionTypes = null,
        Action<FunctionsHostOptions>? configure = null)
    {
        string folder = NewAppFolder(hostJson);
        StringWriter banner = new();
        FunctionsHostOptions options = new() { ScriptRoot = folder, Port = 0, EnvironmentName = environmentName, BannerOutput = TextWriter.Synchronized(banner) };
        if (functionTypes is not null)
        {
            options.FunctionTypes = functionTypes;
        }

        options.Settings["AzureFunctionsJobHost:extensions:durableTask:storageProvider:databasePath"] = Path.Combine(folder, "durable.db");
        options.Settings["SmsChallengeTimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        options.Settings["SmsChallengeMaxAttempts"] = "4";

        // No Twilio credentials (null hides any from the environment): Development sends every SMS to the outbox.
        options.Settings["TwilioAccountSid"] = null;
        options.Settings["TwilioAuthToken"] = null;
        options.Settings["TwilioPhoneNumber"] = null;
        foreach (KeyValuePair<string, string?> setting in settings ?? new Dictionary<string, string?>())
        {
            options.Settings[setting.Key] = setting.Value;
        }

        configure?.Invoke(options);
        WebApplication? app = null;
        try
        {
            app = FunctionsHostBuilder.Build(options);
            using CancellationTokenSource timeout = new(Deadline);
            await app.StartAsync(timeout.Token);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            Directory.Delete(folder, recursive: true);
            throw;
        }

        HttpClient client = new() { BaseAddress = new Uri(ActualAddress(app)), Timeout = Deadline };
        return new TestHost(app, folder, client, banner);
    }

    /// <summary>A temp app folder holding <paramref name="hostJson"/> (null: the repository's host.json) as host.json.</summary>
    public static string NewAppFolder(string? hostJson = null)
    {
        string folder = Path.Combine(Path.GetTempPath(), "functionshost-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        if (hostJson is null)
        {
            File.Copy(Path.Combine(RepositoryRoot(), "host.json"), Path.Combine(folder, "host.json"));
        }
        else
        {
            File.WriteAllText(Path.Combine(folder, "host.json"), hostJson);
        }

        return folder;
    }

    /// <summary>Parses a JSON object leaving dates as the strings the API sent.</summary>
    public static JObject Parse(string json)
    {
        using Newtonsoft.Json.JsonTextReader reader = new(new StringReader(json)) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None };
        return JObject.Load(reader);
    }

    /// <summary>A phone number no other test uses, so outbox lookups do not mix.</summary>
    public static string NewPhoneNumber() => "+1425" + Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task<JObject> StartVerificationAsync(string phone)
    {
        using HttpResponseMessage response = await this.PostJsonAsync("/orchestrators/E4_SmsPhoneVerification", $"\"{phone}\"");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JObject.Parse(await response.Content.ReadAsStringAsync());
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, string contentType = "application/json")
    {
        StringContent content = new(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return this.Client.PostAsync(path, content);
    }

    /// <summary>Raises <c>SmsChallengeResponse</c> through the payload's <c>sendEventPostUri</c>.</summary>
    public async Task<HttpStatusCode> AnswerAsync(JObject payload, string answerJson)
    {
        string uri = ((string)payload["sendEventPostUri"]!).Replace("{eventName}", "SmsChallengeResponse", StringComparison.Ordinal);
        using HttpResponseMessage response = await this.PostJsonAsync(uri, answerJson);
        return response.StatusCode;
    }

    /// <summary>
    /// Answers with <paramref name="code"/> as a JSON number (<c>0396</c> is not valid JSON, so a code with leading zeros
    /// is sent as <c>396</c>, as a user would) and asserts 202.
    /// </summary>
    public async Task AnswerCodeAsync(JObject payload, string code) =>
        Assert.Equal(HttpStatusCode.Accepted, await this.AnswerAsync(payload, int.Parse(code, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The code texted to <paramref name="phone"/>, read from <c>GET /dev/outbox?to=</c> (polls until the SMS is there).</summary>
    public async Task<string> ReadCodeAsync(string phone)
    {
        using CancellationTokenSource deadline = new(Deadline);
        while (true)
        {
            JArray messages = JArray.Parse(await this.Client.GetStringAsync("/dev/outbox?to=" + Uri.EscapeDataString(phone), deadline.Token));
            if (messages.Count > 0)
            {
                string body = (string)messages.Last!["body"]!;
                Assert.Matches("^Your verification code is [0-9]{4}$", body);
                return body[^4..];
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>Polls the status URL until the instance is no longer running (at most <paramref name="within"/>, default 30 s); returns the final response.</summary>
    public async Task<(HttpStatusCode Status, JObject Body)> WaitForEndAsync(JObject payload, TimeSpan? within = null)
    {
        TimeSpan limit = within ?? Deadline;
        DateTime deadline = DateTime.UtcNow + limit;
        string statusUri = (string)payload["statusQueryGetUri"]! + "&showHistory=true&showHistoryOutput=true";
        while (true)
        {
            using HttpResponseMessage response = await this.Client.GetAsync((string)payload["statusQueryGetUri"]!);
            JObject body = Parse(await response.Content.ReadAsStringAsync());
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                return (response.StatusCode, body);
            }

            if (DateTime.UtcNow > deadline)
            {
                // Say where the instance is stuck, with its history.
                Assert.Fail($"Instance {payload["id"]} still {body["runtimeStatus"]} after {limit.TotalSeconds} s: {await this.Client.GetStringAsync(statusUri)}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Every instance with its status and last update, in id order: equal strings mean nothing was written.</summary>
    public async Task<string> ListInstancesAsync()
    {
        JArray all = JArray.Parse(await this.Client.GetStringAsync(WebhookBase + "/instances?top=1000"));
        return string.Join('\n', all.Select(i => $"{i["instanceId"]} {i["runtimeStatus"]} {i["lastUpdatedTime"]}").Order(StringComparer.Ordinal));
    }

    /// <summary>Until the orchestrator waits for the answer (its timer is stored), its history still moves on its own.</summary>
    public async Task WaitForTimerAsync(string instanceId)
    {
        for (int i = 0; i < 300; i++)
        {
            string status = await this.Client.GetStringAsync($"{WebhookBase}/instances/{instanceId}?showHistory=true");
            if (status.Contains("TimerCreated", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"Instance {instanceId} never started waiting for its answer.");
    }

    public async ValueTask DisposeAsync()
    {
        this.Client.Dispose();
        using CancellationTokenSource timeout = new(Deadline);
        await this.app.StopAsync(timeout.Token);
        await this.app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(this.folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the OS: the temp folder is cleaned eventually.
        }
    }

    internal static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PhoneVerification.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PhoneVerification.sln not found above " + AppContext.BaseDirectory);
    }

    private static string ActualAddress(WebApplication app)
    {
        Microsoft.AspNetCore.Hosting.Server.IServer server = (Microsoft.AspNetCore.Hosting.Server.IServer)app.Services.GetService(typeof(Microsoft.AspNetCore.Hosting.Server.IServer))!;
        return server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
    }
}
