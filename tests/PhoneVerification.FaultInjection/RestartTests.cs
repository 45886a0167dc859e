using System.Globalization;
using System.Text;
using Durable.Testing.Processes;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PhoneVerification.FaultInjection.Infrastructure;
using PhoneVerification.FaultInjection.Scenario;
using PhoneVerification.FaultInjection.Stores;
using Xunit.Abstractions;

namespace PhoneVerification.FaultInjection;

/// <summary>
/// Restart after <c>kill -9</c> and after SIGTERM, one flow at a time, timed: work the dead host held and timers that came
/// due while it was down are picked up as soon as the next host runs, not when the old leases expire (30 s).
/// </summary>
public sealed class RestartTests : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    /// <summary>The engine lets work finish for 10 s (ShutdownTimeout), then cancels it and hands it back.</summary>
    private static readonly TimeSpan GracefulStopLimit = RunVerdict.GracefulStopLimit;
    private static readonly JsonSerializerSettings Raw = new() { DateParseHandling = DateParseHandling.None };
    private readonly ITestOutputHelper output;
    private readonly string appFolder = Path.Combine(Path.GetTempPath(), "fault-restart-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private readonly SqliteStoreUnderTest store = new();
    private FakeTwilio twilio = null!;
    private HostSupervisor host = null!;

    public RestartTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(this.appFolder);
        File.Copy(Path.Combine(FaultInjectionRun.RepositoryRoot(), "host.json"), Path.Combine(this.appFolder, "host.json"));
        this.twilio = await FakeTwilio.StartAsync();
        Dictionary<string, string?> environment = FaultInjectionRun.HostEnvironment(this.store, this.appFolder, this.twilio, Window);
        this.host = new HostSupervisor(this.appFolder, HostProcess.FreePort(), environment, this.http);
        await this.host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        this.host.Dispose();
        await this.twilio.DisposeAsync();
        this.http.Dispose();
        Directory.Delete(this.appFolder, recursive: true);
    }

    [Fact]
    public async Task Kill9_TimerDueWhileDown_FiresWithinOneSecondOfTheRestart()
    {
        // Arrange: a verification waits for its answer.
        (string phone, string statusUri) = await this.StartAsync();
        await this.WaitForSmsAsync(phone, 1);
        await this.WaitForAsync(statusUri, s => s["historyEvents"] is JArray history && history.Any(e => (string?)e["EventType"] == "TimerCreated"), "its timer");

        // Act: killed; down for longer than the window; restarted.
        await this.host.KillAsync();
        await Task.Delay(Window + TimeSpan.FromSeconds(1));
        await this.host.StartAsync();
        JObject done = await this.WaitForAsync(statusUri, s => (string?)s["runtimeStatus"] == "Completed", "Completed");

        // Assert
        DateTimeOffset ready = this.host.Downtimes[^1].ReadyAt;
        DateTimeOffset fired = Time(((JArray)done["historyEvents"]!).OfType<JObject>().Last(e => (string?)e["EventType"] == "ExecutionCompleted")["Timestamp"]);
        this.output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"timer due while down fired {(fired - ready).TotalMilliseconds:0} ms after the restarted host answered HTTP"));
        Assert.False((bool)done["output"]!);
        Assert.True(fired - ready <= RunVerdict.TimerAfterRestartLimit, $"fired {(fired - ready).TotalMilliseconds:0} ms after the restart");
    }

    [Fact]
    public async Task Kill9_InsideTheSmsSend_NextHostFinishesTheActivityAtOnceWithoutASecondSms()
    {
        // Arrange: the activity's request to Twilio is held open, so the host dies inside the send (its lease is live,
        // Twilio has the message, the host never learns it).
        Task<SentSms> held = this.twilio.HoldNextSendAsync();
        (string phone, string statusUri) = await this.StartAsync();
        SentSms first = await held.WaitAsync(TimeSpan.FromSeconds(30));

        // Act
        await this.host.KillAsync();
        await this.host.StartAsync();
        DateTimeOffset ready = this.host.Downtimes[^1].ReadyAt;
        JObject waiting = await this.WaitForAsync(statusUri, s => HasEvent(s, "TaskCompleted"), "past its activity");

        // Assert: the retry ran at once (not after the 30-second lease), found the SMS already accepted, and kept its code.
        DateTimeOffset completed = Time(Event(waiting, "TaskCompleted")["Timestamp"]);
        this.output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"activity retried and completed {(completed - ready).TotalMilliseconds:0} ms after the restarted host answered HTTP; SMS sent: {this.twilio.SentTo(phone).Count}"));
        Assert.True(completed - ready < TimeSpan.FromSeconds(5), $"completed {(completed - ready).TotalMilliseconds:0} ms after the restart");
        Assert.Single(this.twilio.SentTo(phone));
        Assert.True(this.twilio.Lookups >= 1, "the retry did not check whether its SMS went out");
        await this.AnswerAndExpectTrueAsync(statusUri, first.Code);
    }

    [Fact]
    public async Task Sigterm_InsideTheSmsSend_ExitsWithinTheBoundAndNextHostFinishesTheActivityAtOnce()
    {
        // Arrange: the activity waits on Twilio when the stop comes.
        Task<SentSms> held = this.twilio.HoldNextSendAsync();
        (string phone, string statusUri) = await this.StartAsync();
        SentSms first = await held.WaitAsync(TimeSpan.FromSeconds(30));

        // Act: SIGTERM, as a container stop or Ctrl+C; then the next start.
        (bool exited, int exitCode, TimeSpan took) = await this.host.TerminateAsync(GracefulStopLimit);
        await this.host.StartAsync();
        DateTimeOffset ready = DateTimeOffset.UtcNow;
        JObject waiting = await this.WaitForAsync(statusUri, s => HasEvent(s, "TaskCompleted"), "past its activity");

        // Assert: a clean exit within the bound; the interrupted activity was handed back, so the next host ran it at
        // once (not after its 30-second lease) and, Twilio having the SMS already, did not send it again.
        DateTimeOffset completed = Time(Event(waiting, "TaskCompleted")["Timestamp"]);
        this.output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SIGTERM exit after {took.TotalMilliseconds:0} ms (code {exitCode}); activity completed {(completed - ready).TotalMilliseconds:0} ms after the next host answered HTTP; SMS sent: {this.twilio.SentTo(phone).Count}"));
        Assert.True(exited, $"the host did not exit within {GracefulStopLimit}");
        Assert.Equal(0, exitCode);
        Assert.True(completed - ready < TimeSpan.FromSeconds(5), $"completed {(completed - ready).TotalMilliseconds:0} ms after the restart");
        Assert.Single(this.twilio.SentTo(phone));
        await this.AnswerAndExpectTrueAsync(statusUri, first.Code);
    }

    [Fact]
    public async Task Sigterm_Idle_ExitsAtOnceLeavingNoLease()
    {
        // Arrange: a verification waiting for its answer (no work in flight).
        (string phone, string statusUri) = await this.StartAsync();
        await this.WaitForSmsAsync(phone, 1);
        await this.WaitForAsync(statusUri, s => s["historyEvents"] is JArray history && history.Any(e => (string?)e["EventType"] == "TimerCreated"), "its timer");

        // Act
        (bool exited, int exitCode, TimeSpan took) = await this.host.TerminateAsync(GracefulStopLimit);
        StoreSnapshot snapshot = await this.store.ReadAsync(this.appFolder, FaultInjectionRun.HubName);

        // Assert
        this.output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"idle SIGTERM exit after {took.TotalMilliseconds:0} ms"));
        Assert.True(exited && exitCode == 0, $"exited {exited}, code {exitCode}");
        Assert.DoesNotContain(snapshot.Instances, i => i.LockedBy is not null);
        Assert.Empty(snapshot.Tasks);
        Assert.Contains(snapshot.Inbox, m => m.EventType == "TimerFired");
        await this.host.StartAsync();
    }

    private static bool HasEvent(JObject status, string type) =>
        ((JArray?)status["historyEvents"] ?? []).Any(e => (string?)e["EventType"] == type);

    private static JObject Event(JObject status, string type) =>
        ((JArray)status["historyEvents"]!).OfType<JObject>().First(e => (string?)e["EventType"] == type);

    private async Task AnswerAndExpectTrueAsync(string statusUri, string code)
    {
        using (HttpResponseMessage raised = await this.http.PostAsync(this.Local(EventUri(statusUri)), new StringContent(int.Parse(code, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(202, (int)raised.StatusCode);
        }

        Assert.True((bool)(await this.WaitForAsync(statusUri, s => (string?)s["runtimeStatus"] == "Completed", "Completed"))["output"]!);
    }

    private static DateTimeOffset Time(JToken? token) =>
        DateTimeOffset.Parse((string)token!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private async Task<(string Phone, string StatusUri)> StartAsync()
    {
        string phone = "+1556" + Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
        using HttpResponseMessage response = await this.http.PostAsync(this.Local("/orchestrators/E4_SmsPhoneVerification"), new StringContent($"\"{phone}\"", Encoding.UTF8, "application/json"));
        Assert.Equal(202, (int)response.StatusCode);
        JObject payload = JsonConvert.DeserializeObject<JObject>(await response.Content.ReadAsStringAsync(), Raw)!;
        return (phone, (string)payload["statusQueryGetUri"]!);
    }

    private static string EventUri(string statusUri) =>
        $"/runtime/webhooks/durabletask/instances/{new Uri(statusUri).Segments[^1]}/raiseEvent/SmsChallengeResponse";

    private async Task<IReadOnlyList<SentSms>> WaitForSmsAsync(string phone, int count)
    {
        using CancellationTokenSource limit = new(TimeSpan.FromSeconds(30));
        while (this.twilio.SentTo(phone) is { } sent && sent.Count < count)
        {
            await Task.Delay(10, limit.Token);
        }

        return this.twilio.SentTo(phone);
    }

    private async Task<JObject> WaitForAsync(string statusUri, Func<JObject, bool> condition, string what)
    {
        using CancellationTokenSource limit = new(TimeSpan.FromSeconds(30));
        JObject? last = null;
        while (!limit.IsCancellationRequested)
        {
            using HttpResponseMessage response = await this.http.GetAsync(this.Local(statusUri + "&showHistory=true&showHistoryOutput=true"));
            last = JsonConvert.DeserializeObject<JObject>(await response.Content.ReadAsStringAsync(), Raw)!;
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"Not {what} within 30 s: {last}{Environment.NewLine}{this.host.Current.Output}");
    }

    private Uri Local(string uri)
    {
        Uri given = new(uri, UriKind.RelativeOrAbsolute);
        return new Uri($"http://127.0.0.1:{this.host.Port}{(given.IsAbsoluteUri ? given.PathAndQuery : uri)}");
    }
}
