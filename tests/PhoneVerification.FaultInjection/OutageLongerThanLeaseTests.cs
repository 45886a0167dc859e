using System.Globalization;
using System.Text;
using Durable.Core.History;
using Durable.Testing.Processes;
using Microsoft.Data.Sqlite;
using Newtonsoft.Json.Linq;
using PhoneVerification.FaultInjection.Infrastructure;
using PhoneVerification.FaultInjection.Scenario;
using PhoneVerification.FaultInjection.Stores;
using Xunit.Abstractions;

namespace PhoneVerification.FaultInjection;

/// <summary>
/// The real host while its store stays unavailable for longer than a lease (40 s; leases last 30 s) with verifications in
/// flight: their SMS sends are answered only after the outage began. Results kept through the outage must be dropped once
/// their lease lapses and the work redone under a new lease, never stored late beside it: afterwards every history holds
/// each step exactly once, each number got one SMS, and every verification answered right ends true. The outage is a
/// parameter: each backend gets a thin subclass.
/// </summary>
public abstract class OutageLongerThanLeaseTests : IAsyncLifetime
{
    private const int Verifications = 8;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly ITestOutputHelper output;
    private readonly string appFolder = Path.Combine(Path.GetTempPath(), "fault-outage-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private IStoreUnderTest store = null!;
    private FakeTwilio twilio = null!;
    private HostSupervisor host = null!;

    protected OutageLongerThanLeaseTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    /// <summary>The app folder (the SQLite file lives in it).</summary>
    protected string AppFolder => this.appFolder;

    public async Task InitializeAsync()
    {
        this.store = this.CreateStore();
        Directory.CreateDirectory(this.appFolder);
        File.Copy(Path.Combine(FaultInjectionRun.RepositoryRoot(), "host.json"), Path.Combine(this.appFolder, "host.json"));
        this.twilio = await FakeTwilio.StartAsync();

        // Sends are answered a while after they arrive, so the outage begins while activities wait on Twilio.
        this.twilio.SendDelay = TimeSpan.FromSeconds(2);

        // The challenge's timer must not fire during the test: answers come after the outage.
        Dictionary<string, string?> environment = FaultInjectionRun.HostEnvironment(this.store, this.appFolder, this.twilio, TimeSpan.FromMinutes(10));
        this.host = new HostSupervisor(this.appFolder, HostProcess.FreePort(), environment, this.http);
        await this.host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        this.host.Dispose();
        await this.twilio.DisposeAsync();
        this.http.Dispose();
        await this.store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(this.appFolder, recursive: true);
    }

    [Fact]
    public async Task StoreUnavailableLongerThanTheLease_WhileVerificationsRun_EachStepOnce_OneSmsEach_AllVerified()
    {
        // Arrange: verifications started (each one acknowledged); at once, while their SMS sends wait on Twilio, the
        // store becomes unavailable and stays so past the lease.
        List<(string Phone, string Id)> started = [];
        for (int i = 0; i < Verifications; i++)
        {
            string phone = "+1557" + Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
            started.Add((phone, await this.StartAsync(phone)));
        }

        // Act: the outage, then its end.
        await using (await this.BeginOutageAsync())
        {
            this.output.WriteLine($"outage began after {started.Count} starts; SMS accepted so far: {this.twilio.All.Count}");
            await Task.Delay(Outage);
        }

        // Answer each verification with its code once its SMS is there.
        foreach ((string phone, string id) in started)
        {
            SentSms sms = await this.WaitForSmsAsync(phone);
            using HttpResponseMessage raised = await this.http.PostAsync(
                this.Local($"/runtime/webhooks/durabletask/instances/{id}/raiseEvent/SmsChallengeResponse"),
                new StringContent(int.Parse(sms.Code, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture), Encoding.UTF8, "application/json"));
            Assert.Equal(202, (int)raised.StatusCode);
        }

        List<JObject> finals = [];
        foreach ((string _, string id) in started)
        {
            finals.Add(await this.WaitForCompletedAsync(id));
        }

        // Assert: every output right, one SMS per number, and each step once in every history.
        Assert.All(finals, f => Assert.True((bool)f["output"]!, $"instance {f["instanceId"]} ended {f["output"]}"));
        Assert.All(started, s => Assert.Single(this.twilio.SentTo(s.Phone)));
        Dictionary<string, List<EventType>> histories = await this.store.ReadHistoriesAsync(this.appFolder, FaultInjectionRun.HubName);
        foreach ((string _, string id) in started)
        {
            List<EventType> history = histories[id];
            this.output.WriteLine($"{id}: {string.Join(' ', history)}");
            foreach (EventType step in new[] { EventType.ExecutionStarted, EventType.TaskScheduled, EventType.TaskCompleted, EventType.TimerCreated, EventType.EventRaised, EventType.ExecutionCompleted })
            {
                // The timer is the one step that may be missing: an answer that arrived before the SMS step was stored
                // is already there when the orchestrator would wait for it.
                int expected = step == EventType.TimerCreated ? Math.Min(1, history.Count(e => e == step)) : 1;
                Assert.True(history.Count(e => e == step) == expected, $"instance {id} holds {history.Count(e => e == step)} {step}: {string.Join(' ', history)}");
            }
        }
    }

    /// <summary>The store under test: a fresh one.</summary>
    internal abstract IStoreUnderTest CreateStore();

    /// <summary>Makes the store unavailable to the host until the returned handle is disposed.</summary>
    protected abstract Task<IAsyncDisposable> BeginOutageAsync();

    private async Task<string> StartAsync(string phone)
    {
        using HttpResponseMessage response = await this.http.PostAsync(this.Local("/orchestrators/E4_SmsPhoneVerification"), new StringContent($"\"{phone}\"", Encoding.UTF8, "application/json"));
        Assert.Equal(202, (int)response.StatusCode);
        return (string)JObject.Parse(await response.Content.ReadAsStringAsync())["id"]!;
    }

    private async Task<SentSms> WaitForSmsAsync(string phone)
    {
        using CancellationTokenSource limit = new(Deadline);
        while (this.twilio.SentTo(phone).Count == 0)
        {
            await Task.Delay(50, limit.Token);
        }

        return this.twilio.SentTo(phone)[0];
    }

    private async Task<JObject> WaitForCompletedAsync(string id)
    {
        using CancellationTokenSource limit = new(Deadline);
        JObject? last = null;
        while (!limit.IsCancellationRequested)
        {
            using HttpResponseMessage response = await this.http.GetAsync(this.Local($"/runtime/webhooks/durabletask/instances/{id}"));
            last = JObject.Parse(await response.Content.ReadAsStringAsync());
            if ((string?)last["runtimeStatus"] is "Completed" or "Failed" or "Terminated")
            {
                return last;
            }

            await Task.Delay(100, CancellationToken.None);
        }

        throw new TimeoutException($"Instance {id} did not end within {Deadline}: {last}{Environment.NewLine}{this.host.Current.Output}");
    }

    private Uri Local(string path) => new($"http://127.0.0.1:{this.host.Port}{path}");
}
