using System.Net;
using Durable.Core.Storage;
using Durable.Core.Storage.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>
/// A store that cannot take requests (StoreUnavailableException) gives 503 with Retry-After and a JSON body, with
/// one clear log line, on the function pipeline and on the management API, and changes nothing.
/// </summary>
public sealed class StoreUnavailableTests : IAsyncLifetime
{
    private const string Api = TestHost.WebhookBase;
    private readonly LogCapture logs = new();
    private UnavailableStore store = null!;
    private TestHost host = null!;
    private JObject running = null!;

    public static TheoryData<string, string, string?> ManagementCalls() => new()
    {
        { "GET", Api + "/instances/{id}?showHistory=true", null },
        { "GET", Api + "/instances?top=5", null },
        { "POST", Api + "/instances/{id}/raiseEvent/SmsChallengeResponse", "1234" },
        { "POST", Api + "/instances/{id}/terminate?reason=x", null },
        { "POST", Api + "/instances/{id}/suspend", null },
        { "POST", Api + "/instances/{id}/restart", null },
        { "DELETE", Api + "/instances/{id}", null },
        { "DELETE", Api + "/instances?createdTimeFrom=2000-01-01T00:00:00Z", null },
        { "POST", Api + "/orchestrators/E4_SmsPhoneVerification", "\"+14255550199\"" },
    };

    public async Task InitializeAsync()
    {
        this.host = await TestHost.StartAsync(timeoutSeconds: 600, configure: options => options.ConfigureServices = services =>
        {
            services.AddSingleton<IOrchestrationStore>(sp =>
            {
                (IOrchestrationStore proxy, UnavailableStore control) = UnavailableStore.Wrap(new InMemoryOrchestrationStore(TimeProvider.System));
                this.store = control;
                return proxy;
            });
            services.AddSingleton<ILoggerProvider>(this.logs);
        });
        this.running = await this.host.StartVerificationAsync(TestHost.NewPhoneNumber());
        await this.host.ReadCodeAsync((string)(await this.SnapshotAsync())[0]!["input"]!);

        // Until the orchestrator waits for the answer (timer created), its history still moves on its own.
        for (int i = 0; i < 300 && !(await this.SnapshotAsync()).ToString().Contains("TimerCreated", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    [Theory]
    [MemberData(nameof(ManagementCalls))]
    public async Task ManagementApi_StoreUnavailable_503WithRetryAfter_OneLogLine_NothingChanged(string method, string path, string? body)
    {
        // Arrange
        JArray before = await this.SnapshotAsync();
        using HttpRequestMessage request = new(new HttpMethod(method), path.Replace("{id}", (string)this.running["id"]!, StringComparison.Ordinal));
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        // Act
        this.store.Failing = true;
        using HttpResponseMessage response = await this.host.Client.SendAsync(request);
        this.store.Failing = false;

        // Assert
        await AssertUnavailableAsync(response);
        LogCapture.Entry line = Assert.Single(this.logs.Entries, e => e.Category == "Durable.WebJobs.HttpApi" && e.Level >= LogLevel.Warning);
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Contains("answered 503: the store is unavailable (database is locked (test outage))", line.Message, StringComparison.Ordinal);
        Assert.Null(line.Exception);
        Assert.True(this.store.Refused > 0);
        Assert.Equal(before.ToString(), (await this.SnapshotAsync()).ToString());
    }

    [Fact]
    public async Task HttpStart_StoreUnavailable_503WithRetryAfter_OneLogLine_NothingStarted()
    {
        // Arrange
        JArray before = await this.SnapshotAsync();

        // Act
        this.store.Failing = true;
        using HttpResponseMessage response = await this.host.PostJsonAsync("/orchestrators/E4_SmsPhoneVerification", $"\"{TestHost.NewPhoneNumber()}\"");
        this.store.Failing = false;

        // Assert
        await AssertUnavailableAsync(response, "error");
        LogCapture.Entry line = Assert.Single(this.logs.Entries, e => e.Category == "FunctionsHost.Http" && e.Level >= LogLevel.Warning);
        Assert.Contains("HttpStart", line.Message, StringComparison.Ordinal);
        Assert.Contains("the store is unavailable (database is locked (test outage))", line.Message, StringComparison.Ordinal);
        Assert.Null(line.Exception);
        Assert.Equal(before.ToString(), (await this.SnapshotAsync()).ToString());
    }

    [Fact]
    public async Task AfterOutage_SameInstanceStillVerifies()
    {
        this.store.Failing = true;
        using HttpResponseMessage refused = await this.host.PostJsonAsync(((string)this.running["sendEventPostUri"]!).Replace("{eventName}", "SmsChallengeResponse", StringComparison.Ordinal), "1");
        this.store.Failing = false;

        string code = await this.host.ReadCodeAsync((string)(await this.SnapshotAsync())[0]!["input"]!);
        await this.host.AnswerCodeAsync(this.running, code);
        (HttpStatusCode status, JObject body) = await this.host.WaitForEndAsync(this.running);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((bool)body["output"]!);
    }

    [Fact]
    public async Task RaiseEventAndHttpStart_CommitOutcomeUnknown_503SaysUnknownNotNothingChanged()
    {
        // Arrange: PostgreSQL lost the connection while committing; the change may be stored.
        string raise = ((string)this.running["sendEventPostUri"]!).Replace("{eventName}", "SmsChallengeResponse", StringComparison.Ordinal);

        // Act
        this.store.Failing = true;
        this.store.OutcomeUnknown = true;
        using HttpResponseMessage raised = await this.host.PostJsonAsync(raise, "1");
        using HttpResponseMessage started = await this.host.PostJsonAsync("/orchestrators/E4_SmsPhoneVerification", $"\"{TestHost.NewPhoneNumber()}\"");
        this.store.Failing = false;
        this.store.OutcomeUnknown = false;

        // Assert
        foreach ((HttpResponseMessage response, string field) in new[] { (raised, "Message"), (started, "error") })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            JObject error = JObject.Parse(await response.Content.ReadAsStringAsync());
            Assert.Contains("outcome of this request is unknown", (string?)error[field], StringComparison.Ordinal);
            Assert.DoesNotContain("nothing was changed", error.ToString(), StringComparison.Ordinal);
        }
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response, string messageField = "Message")
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JObject error = JObject.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("temporarily unavailable; nothing was changed", (string?)error[messageField], StringComparison.Ordinal);
        Assert.DoesNotContain("StackTrace", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The running instance with its history, and every instance's id and status.</summary>
    private async Task<JArray> SnapshotAsync()
    {
        JObject status = TestHost.Parse(await this.host.Client.GetStringAsync($"{Api}/instances/{this.running["id"]}?showHistory=true&showHistoryOutput=true"));
        JArray all = JArray.Parse(await this.host.Client.GetStringAsync(Api + "/instances?top=1000"));
        return [status, new JArray(all.Select(i => $"{i["instanceId"]} {i["runtimeStatus"]} {i["lastUpdatedTime"]}").Order(StringComparer.Ordinal))];
    }
}
