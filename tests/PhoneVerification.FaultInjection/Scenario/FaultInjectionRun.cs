using System.Globalization;
using System.Net;
using System.Text;
using Durable.Testing.Processes;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PhoneVerification.FaultInjection.Infrastructure;
using PhoneVerification.FaultInjection.Stores;

namespace PhoneVerification.FaultInjection.Scenario;

/// <summary>
/// One fault-injection run: a fresh store and app folder, the real host, the fake Twilio, the planned flows driven over
/// HTTP while the planned kills land; then a graceful stop and the raw store read back. <see cref="RunVerdict"/> judges it.
/// </summary>
internal sealed class FaultInjectionRun : IAsyncDisposable
{
    public const string HubName = "FaultHub";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);
    private static readonly JsonSerializerSettings Raw = new() { DateParseHandling = DateParseHandling.None };
    private readonly IStoreUnderTest store;
    private readonly FaultPlan plan;
    private readonly TimeSpan window;
    private readonly Action<string> log;
    private readonly string appFolder = Path.Combine(Path.GetTempPath(), "fault-injection-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(2) }) { Timeout = RequestTimeout };
    private FakeTwilio? twilio;
    private HostSupervisor? host;
    private int phoneCounter;

    public FaultInjectionRun(IStoreUnderTest store, FaultPlan plan, TimeSpan window, Action<string> log)
    {
        this.store = store;
        this.plan = plan;
        this.window = window;
        this.log = log;
    }

    public FakeTwilio Twilio => this.twilio ?? throw new InvalidOperationException("Not started.");

    public HostSupervisor Host => this.host ?? throw new InvalidOperationException("Not started.");

    /// <summary>Runs the plan; returns the outcome for the verdict.</summary>
    public async Task<RunOutcome> RunAsync()
    {
        Directory.CreateDirectory(this.appFolder);
        File.Copy(Path.Combine(RepositoryRoot(), "host.json"), Path.Combine(this.appFolder, "host.json"));
        this.twilio = await FakeTwilio.StartAsync();
        this.host = new HostSupervisor(this.appFolder, HostProcess.FreePort(), HostEnvironment(this.store, this.appFolder, this.twilio, this.window), this.http);
        await this.host.StartAsync();

        // Act: flows and kills at the same time.
        Task flows = Task.WhenAll(this.plan.Flows.Select(this.RunFlowAsync));
        int killNumber = 0;
        foreach (Kill kill in this.plan.Kills)
        {
            killNumber++;
            await this.KillAsync(kill);
            this.log($"kill {killNumber}/{this.plan.Kills.Count}: {kill.Kind}");
        }

        await flows.WaitAsync(TimeSpan.FromMinutes(2));

        // Settle: every instance (including ones whose start answer was lost) ends; then a graceful stop.
        Dictionary<string, JObject> finals = await this.WaitForTerminalAsync();
        (bool exited, int exitCode, TimeSpan took) = await this.host.TerminateAsync(TimeSpan.FromSeconds(30));
        StoreSnapshot snapshot = await this.store.ReadAsync(this.appFolder, HubName);
        return new RunOutcome(this.plan, this.window, finals, this.host.Downtimes, this.host.Kills, this.Twilio.All, snapshot, exited, exitCode, took, this.Twilio.Lookups);
    }

    public async ValueTask DisposeAsync()
    {
        this.host?.Dispose();
        if (this.twilio is not null)
        {
            await this.twilio.DisposeAsync();
        }

        this.http.Dispose();
        await this.store.DisposeAsync();
        try
        {
            Directory.Delete(this.appFolder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    /// <summary>The host outputs, for a failure message.</summary>
    public string HostOutputs() => string.Join(Environment.NewLine + "----- next host process -----" + Environment.NewLine, this.host?.PastOutputs ?? []);

    /// <summary>A number no other start of this run used (the per-number start cap and the SMS count are per number).</summary>
    private string NewPhone() =>
        "+1555" + (1_000_000 + (this.plan.Seed % 1000 * 1000) + Interlocked.Increment(ref this.phoneCounter)).ToString(CultureInfo.InvariantCulture);

    private static bool IsRefused(HttpRequestException e) =>
        e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused };

    /// <summary>The repository root (for its host.json).</summary>
    public static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PhoneVerification.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PhoneVerification.sln not found above the test output.");
    }

    /// <summary>The host's settings for a run: the store's, the fake Twilio's, a short window, quiet logs.</summary>
    public static Dictionary<string, string?> HostEnvironment(IStoreUnderTest store, string appFolder, FakeTwilio twilio, TimeSpan window)
    {
        Dictionary<string, string?> environment = new(store.HostSettings(appFolder, HubName))
        {
            // Development on loopback: no keys needed, as with func start.
            ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
            ["TwilioAccountSid"] = FakeTwilio.AccountSid,
            ["TwilioAuthToken"] = FakeTwilio.AuthToken,
            ["TwilioPhoneNumber"] = "+15005550006",
            ["TwilioApiBaseUrl"] = twilio.BaseUrl.ToString().TrimEnd('/'),
            ["SmsChallengeTimeoutSeconds"] = ((int)window.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            ["SmsChallengeMaxAttempts"] = "4",

            // Flows use distinct numbers; the per-number start cap must not get in the way of retried starts.
            ["SmsVerificationMaxStartsPerNumber"] = "1000",
            ["SmsChallengeCodeKey"] = null,

            // Quiet (per-invocation lines cost CPU the restarts need) but with times, for a failure's host output.
            ["AzureFunctionsJobHost__logging__logLevel__default"] = "Warning",
            ["AzureFunctionsJobHost__logging__logLevel__Function"] = "Warning",
            ["AzureFunctionsJobHost__logging__logLevel__Durable.Core"] = "Information",
            ["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ",
        };
        return environment;
    }

    private async Task KillAsync(Kill kill)
    {
        HostSupervisor host = this.Host;
        switch (kill.Kind)
        {
            case KillKind.InsideSmsSend:
                // Hold the next SMS request open and kill the host while its activity waits for Twilio's answer.
                Task<SentSms> held = this.Twilio.HoldNextSendAsync();
                if (await Task.WhenAny(held, Task.Delay(TimeSpan.FromSeconds(5))) != held)
                {
                    this.Twilio.CancelHold();
                }

                break;
            case KillKind.DuringStart:
                await host.KillAsync();
                host.StartInBackground();
                await Task.Delay(TimeSpan.FromMilliseconds(150 + (kill.Uptime.TotalMilliseconds % 900)));
                break;
            default:
                await Task.Delay(kill.Uptime);
                break;
        }

        await host.KillAsync();
        if (kill.Kind == KillKind.LongDowntime)
        {
            await Task.Delay(this.window + TimeSpan.FromSeconds(1));
        }

        await host.StartAsync();
    }

    private async Task RunFlowAsync(Flow flow)
    {
        try
        {
            await Task.Delay(flow.StartDelay);
            await this.StartAsync(flow);
            if (flow.Script == FlowScript.EarlyWrongThenRight)
            {
                // In the same moment as the start: before the orchestrator has even run.
                await this.RaiseAsync(flow, "10000");
            }

            if (flow.Script == FlowScript.Timeout)
            {
                return;
            }

            string code = await this.WaitForCodeAsync(flow.Phone!);
            string right = int.Parse(code, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            switch (flow.Script)
            {
                case FlowScript.RightCode:
                case FlowScript.EarlyWrongThenRight:
                    await this.RaiseAsync(flow, right);
                    break;
                case FlowScript.WrongThenRight:
                    await this.RaiseAsync(flow, "10001");
                    await this.RaiseAsync(flow, right);
                    break;
                case FlowScript.FourWrong:
                    for (int i = 1; i <= 4; i++)
                    {
                        await this.RaiseAsync(flow, (10000 + i).ToString(CultureInfo.InvariantCulture));
                    }

                    break;
            }
        }
        catch (Exception e)
        {
            flow.Problem = e.ToString();
        }
    }

    /// <summary>Starts the verification; a start cut by a kill is retried with a new number (its instance may exist).</summary>
    private async Task StartAsync(Flow flow)
    {
        string phone = this.NewPhone();
        while (true)
        {
            await this.Host.WaitUpAsync();
            HttpResponseMessage response;
            try
            {
                response = await this.http.PostAsync(this.Url("/orchestrators/E4_SmsPhoneVerification"), new StringContent($"\"{phone}\"", Encoding.UTF8, "application/json"));
            }
            catch (HttpRequestException e) when (IsRefused(e))
            {
                // Nothing listened: the request never reached a host. Same number again.
                await Task.Delay(50);
                continue;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                flow.UnacknowledgedPhones.Add(phone);
                phone = this.NewPhone();
                await Task.Delay(50);
                continue;
            }

            using (response)
            {
                string body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"Start answered {(int)response.StatusCode}: {body}");
                }

                JObject payload = JsonConvert.DeserializeObject<JObject>(body, Raw)!;
                flow.Phone = phone;
                flow.InstanceId = (string)payload["id"]!;
                flow.StatusUri = (string)payload["statusQueryGetUri"]!;
                flow.EventUri = ((string)payload["sendEventPostUri"]!).Replace("{eventName}", "SmsChallengeResponse", StringComparison.Ordinal);
                return;
            }
        }
    }

    /// <summary>Raises an answer until the host answers; a request cut by a kill marks it unknown (it may apply twice).</summary>
    private async Task RaiseAsync(Flow flow, string payload)
    {
        DateTimeOffset first = DateTimeOffset.UtcNow;
        bool unknown = false;
        while (true)
        {
            await this.Host.WaitUpAsync();
            try
            {
                using HttpResponseMessage response = await this.http.PostAsync(this.Local(flow.EventUri!), new StringContent(payload, Encoding.UTF8, "application/json"));
                flow.Raised.Add(new RaisedEvent(payload, first, DateTimeOffset.UtcNow, (int)response.StatusCode, unknown));
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                unknown |= !(e is HttpRequestException refused && IsRefused(refused));
                await Task.Delay(50);
            }
        }
    }

    private async Task<string> WaitForCodeAsync(string phone)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            IReadOnlyList<SentSms> sent = this.Twilio.SentTo(phone);
            if (sent.Count > 0)
            {
                return sent[^1].Code;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No SMS reached {phone} within a minute.");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Waits until every started instance is terminal; returns the acknowledged ones' final status with history.</summary>
    private async Task<Dictionary<string, JObject>> WaitForTerminalAsync()
    {
        DateTime deadline = DateTime.UtcNow + this.window + TimeSpan.FromSeconds(60);
        Dictionary<string, JObject> finals = new(StringComparer.Ordinal);
        foreach (Flow flow in this.plan.Flows.Where(f => f.InstanceId is not null))
        {
            while (true)
            {
                JObject status = await this.GetJsonAsync(flow.StatusUri! + "&showHistory=true&showHistoryOutput=true");
                if ((string?)status["runtimeStatus"] is "Completed" or "Failed" or "Terminated")
                {
                    finals[flow.InstanceId!] = status;
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    finals[flow.InstanceId!] = status;
                    break;
                }

                await Task.Delay(50);
            }
        }

        // Instances whose start answer was lost end by their timers; wait until nothing is left running.
        while (DateTime.UtcNow < deadline)
        {
            JToken running = await this.GetTokenAsync("/runtime/webhooks/durabletask/instances?runtimeStatus=Pending,Running&top=1000");
            if (running is JArray { Count: 0 })
            {
                break;
            }

            await Task.Delay(100);
        }

        return finals;
    }

    private async Task<JObject> GetJsonAsync(string uri) => (JObject)await this.GetTokenAsync(uri);

    private async Task<JToken> GetTokenAsync(string uri)
    {
        using HttpResponseMessage response = await this.http.GetAsync(this.Local(uri));
        return JsonConvert.DeserializeObject<JToken>(await response.Content.ReadAsStringAsync(), Raw)!;
    }

    private Uri Url(string path) => new($"http://127.0.0.1:{this.Host.Port}{path}");

    /// <summary>Links name the host as localhost; talk to 127.0.0.1 directly (no IPv6 attempt first).</summary>
    private Uri Local(string uri)
    {
        Uri given = new(uri, UriKind.RelativeOrAbsolute);
        return given.IsAbsoluteUri ? this.Url(given.PathAndQuery) : this.Url(uri);
    }
}
