using System.Net;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>
/// Every management operation with its documented status codes, headers and JSON (docs/http-api.md), and
/// the abuse limits: starts per phone number, events per instance.
/// </summary>
public sealed class ManagementApiCompletenessTests : IAsyncLifetime
{
    private const string Api = TestHost.WebhookBase;
    private TestHost host = null!;

    public async Task InitializeAsync() => this.host = await TestHost.StartAsync(
        timeoutSeconds: 600,
        settings: new Dictionary<string, string?> { ["DurableMaxEventsPerInstance"] = "3" });

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    [Fact]
    public async Task BuiltInStart_WithInstanceId_Returns202PayloadWithEveryLinkInOrder()
    {
        string id = "complete-" + Guid.NewGuid().ToString("N");

        using HttpResponseMessage response = await this.host.PostJsonAsync($"{Api}/orchestrators/E4_SmsPhoneVerification/{id}", $"\"{TestHost.NewPhoneNumber()}\"");
        JObject payload = JObject.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(10), response.Headers.RetryAfter?.Delta);
        Assert.Equal(
            ["id", "statusQueryGetUri", "sendEventPostUri", "terminatePostUri", "purgeHistoryDeleteUri", "restartPostUri", "suspendPostUri", "resumePostUri"],
            payload.Properties().Select(p => p.Name));
        Assert.Equal(id, (string?)payload["id"]);
        Assert.Equal((string)payload["statusQueryGetUri"]!, response.Headers.Location?.ToString());
        Assert.Contains($"/instances/{id}/restart?taskHub=", (string)payload["restartPostUri"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_FailedInstance_200Or500OnRequest_ShowInputAndHistoryFlags()
    {
        // Arrange: no input makes the orchestrator throw (the sample's ArgumentNullException): Failed.
        string id = "failed-" + Guid.NewGuid().ToString("N");
        using HttpResponseMessage started = await this.host.Client.PostAsync($"{Api}/orchestrators/E4_SmsPhoneVerification/{id}", null);
        JObject payload = JObject.Parse(await started.Content.ReadAsStringAsync());
        await this.host.WaitForEndAsync(payload);

        // Act
        using HttpResponseMessage plain = await this.host.Client.GetAsync($"{Api}/instances/{id}");
        using HttpResponseMessage asError = await this.host.Client.GetAsync($"{Api}/instances/{id}?returnInternalServerErrorOnFailure=true");
        using HttpResponseMessage history = await this.host.Client.GetAsync($"{Api}/instances/{id}?showHistory=true&showInput=false");

        // Assert
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("Failed", (string?)JObject.Parse(await plain.Content.ReadAsStringAsync())["runtimeStatus"]);
        Assert.Equal(HttpStatusCode.InternalServerError, asError.StatusCode);
        Assert.Equal("Failed", (string?)JObject.Parse(await asError.Content.ReadAsStringAsync())["runtimeStatus"]);
        JObject withHistory = JObject.Parse(await history.Content.ReadAsStringAsync());
        Assert.Equal(JTokenType.Null, withHistory["input"]!.Type);
        Assert.Contains((JArray)withHistory["historyEvents"]!, e => (string?)e["EventType"] == "ExecutionFailed" || (string?)e["EventType"] == "ExecutionCompleted");
    }

    [Fact]
    public async Task Status_ShowHistoryOutput_ShowsActivityResultToTheOperator()
    {
        JObject payload = await this.host.StartVerificationAsync(TestHost.NewPhoneNumber());
        string id = (string)payload["id"]!;

        JObject status = await this.PollAsync($"{Api}/instances/{id}?showHistory=true&showHistoryOutput=true", s => s.Contains("TaskCompleted", StringComparison.Ordinal));
        JObject noOutput = TestHost.Parse(await this.host.Client.GetStringAsync($"{Api}/instances/{id}?showHistory=true"));

        Assert.NotNull(((JArray)status["historyEvents"]!).Single(e => (string?)e["EventType"] == "TaskCompleted")["Result"]);
        Assert.Null(((JArray)noOutput["historyEvents"]!).Single(e => (string?)e["EventType"] == "TaskCompleted")["Result"]);
    }

    [Fact]
    public async Task SuspendRaiseResume_KeepsTheEvent_AndRefusesADoubleSuspend()
    {
        // Arrange
        string phone = TestHost.NewPhoneNumber();
        JObject payload = await this.host.StartVerificationAsync(phone);
        string code = await this.host.ReadCodeAsync(phone);
        string suspend = ((string)payload["suspendPostUri"]!).Replace("{text}", "pause", StringComparison.Ordinal);
        string resume = ((string)payload["resumePostUri"]!).Replace("{text}", "go", StringComparison.Ordinal);

        // Act
        using HttpResponseMessage suspended = await this.host.Client.PostAsync(suspend, null);
        await this.PollAsync((string)payload["statusQueryGetUri"]!, s => s.Contains("\"Suspended\"", StringComparison.Ordinal));
        using HttpResponseMessage again = await this.host.Client.PostAsync(suspend, null);
        await this.host.AnswerCodeAsync(payload, code);
        using HttpResponseMessage stillSuspended = await this.host.Client.GetAsync((string)payload["statusQueryGetUri"]!);
        using HttpResponseMessage resumed = await this.host.Client.PostAsync(resume, null);
        (HttpStatusCode status, JObject body) = await this.host.WaitForEndAsync(payload);

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, suspended.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, stillSuspended.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, resumed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((bool)body["output"]!);
    }

    [Fact]
    public async Task Restart_NewIdByDefault_OrSameIdWhenFinished()
    {
        // Arrange: a terminated verification.
        string phone = TestHost.NewPhoneNumber();
        JObject payload = await this.host.StartVerificationAsync(phone);
        using HttpResponseMessage terminated = await this.host.Client.PostAsync(((string)payload["terminatePostUri"]!).Replace("{text}", "stop", StringComparison.Ordinal), null);
        await this.host.WaitForEndAsync(payload);

        // Act
        using HttpResponseMessage restarted = await this.host.Client.PostAsync((string)payload["restartPostUri"]!, null);
        JObject fresh = JObject.Parse(await restarted.Content.ReadAsStringAsync());
        using HttpResponseMessage sameId = await this.host.Client.PostAsync((string)payload["restartPostUri"]! + "&restartWithNewInstanceId=false", null);
        JObject again = JObject.Parse(await sameId.Content.ReadAsStringAsync());
        JObject restartedStatus = TestHost.Parse(await this.host.Client.GetStringAsync((string)fresh["statusQueryGetUri"]!));

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, restarted.StatusCode);
        Assert.NotEqual((string)payload["id"]!, (string)fresh["id"]!);
        Assert.Equal(phone, (string?)restartedStatus["input"]);
        Assert.Equal(HttpStatusCode.Accepted, sameId.StatusCode);
        Assert.Equal((string)payload["id"]!, (string)again["id"]!);
    }

    [Fact]
    public async Task Query_FiltersAndPagesWithContinuationToken()
    {
        // Arrange: three instances under one prefix.
        string prefix = "page-" + Guid.NewGuid().ToString("N")[..8] + "-";
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage started = await this.host.PostJsonAsync($"{Api}/orchestrators/E4_SmsPhoneVerification/{prefix}{i}", $"\"{TestHost.NewPhoneNumber()}\"");
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }

        // Act
        using HttpResponseMessage first = await this.host.Client.GetAsync($"{Api}/instances?instanceIdPrefix={prefix}&top=2&showInput=false");
        string token = first.Headers.GetValues("x-ms-continuation-token").Single();
        using HttpRequestMessage next = new(HttpMethod.Get, $"{Api}/instances?instanceIdPrefix={prefix}&top=2&showInput=false");
        next.Headers.Add("x-ms-continuation-token", token);
        using HttpResponseMessage second = await this.host.Client.SendAsync(next);
        using HttpResponseMessage future = await this.host.Client.GetAsync($"{Api}/instances?instanceIdPrefix={prefix}&createdTimeFrom=2999-01-01T00:00:00Z");
        using HttpResponseMessage completed = await this.host.Client.GetAsync($"{Api}/instances?instanceIdPrefix={prefix}&runtimeStatus=Completed");

        // Assert
        JArray page1 = JArray.Parse(await first.Content.ReadAsStringAsync());
        JArray page2 = JArray.Parse(await second.Content.ReadAsStringAsync());
        Assert.Equal(2, page1.Count);
        Assert.NotEmpty(token);
        Assert.Single(page2);
        Assert.Empty(second.Headers.GetValues("x-ms-continuation-token").Single());
        Assert.Equal(3, page1.Concat(page2).Select(i => (string)i["instanceId"]!).Distinct().Count());
        Assert.All(page1, i => Assert.Equal(JTokenType.Null, i["input"]!.Type));
        Assert.Empty(JArray.Parse(await future.Content.ReadAsStringAsync()));
        Assert.Empty(JArray.Parse(await completed.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task PurgeMany_TerminatedInRange_DeletesThem_Then404()
    {
        // Arrange: two terminated instances.
        DateTime from = DateTime.UtcNow.AddSeconds(-1);
        foreach (int i in new[] { 1, 2 })
        {
            JObject payload = await this.host.StartVerificationAsync(TestHost.NewPhoneNumber());
            using HttpResponseMessage stop = await this.host.Client.PostAsync(((string)payload["terminatePostUri"]!).Replace("{text}", "x", StringComparison.Ordinal), null);
            await this.host.WaitForEndAsync(payload);
        }

        string purge = $"{Api}/instances?createdTimeFrom={from:yyyy-MM-ddTHH:mm:ss.fffZ}&runtimeStatus=Terminated";

        // Act
        using HttpResponseMessage purged = await this.host.Client.DeleteAsync(purge);
        using HttpResponseMessage nothingLeft = await this.host.Client.DeleteAsync(purge);

        // Assert
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        Assert.True((int)JObject.Parse(await purged.Content.ReadAsStringAsync())["instancesDeleted"]! >= 2);
        Assert.Equal(HttpStatusCode.NotFound, nothingLeft.StatusCode);
    }

    [Fact]
    public async Task RaiseEvent_BeyondTheCapPerInstance_Returns429AndIsNotStored()
    {
        // Arrange: the host accepts 3 events per instance; the orchestrator waits for up to 4 answers.
        JObject payload = await this.host.StartVerificationAsync(TestHost.NewPhoneNumber());
        string eventUri = ((string)payload["sendEventPostUri"]!).Replace("{eventName}", "Other", StringComparison.Ordinal);
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage accepted = await this.host.PostJsonAsync(eventUri, "1");
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        // Act
        using HttpResponseMessage refused = await this.host.PostJsonAsync(eventUri, "1");
        JObject history = await this.PollAsync(
            (string)payload["statusQueryGetUri"]! + "&showHistory=true",
            s => JObject.Parse(s)["historyEvents"] is JArray h && h.Count(e => (string?)e["EventType"] == "EventRaised") == 3);

        // Assert
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Equal("eventName", (string?)JObject.Parse(await refused.Content.ReadAsStringAsync())["field"]);
        Assert.Equal(3, ((JArray)history["historyEvents"]!).Count(e => (string?)e["EventType"] == "EventRaised"));
    }

    [Fact]
    public async Task HttpStart_SixthStartForOneNumberWithinTenMinutes_Returns429WithRetryAfter()
    {
        // Arrange: the default cap, 5 per 10 minutes.
        string phone = TestHost.NewPhoneNumber();
        for (int i = 0; i < 5; i++)
        {
            await this.host.StartVerificationAsync(phone);
        }

        // Act
        using HttpResponseMessage refused = await this.host.PostJsonAsync("/orchestrators/E4_SmsPhoneVerification", $"\"{phone}\"");
        JObject other = await this.host.StartVerificationAsync(TestHost.NewPhoneNumber());

        // Assert
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 600);
        JObject error = JObject.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("phoneNumber", (string?)error["field"]);
        Assert.Contains("at most 5 every 600 seconds", (string?)error["error"], StringComparison.Ordinal);
        Assert.NotNull(other["id"]);
    }

    private async Task<JObject> PollAsync(string url, Func<string, bool> done)
    {
        for (int i = 0; i < 300; i++)
        {
            string body = await this.host.Client.GetStringAsync(url);
            if (done(body))
            {
                return TestHost.Parse(body);
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{url} never matched.");
    }
}
