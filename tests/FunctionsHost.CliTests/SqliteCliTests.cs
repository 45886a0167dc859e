using System.Globalization;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.CliTests;

/// <summary>
/// Every verb as a child process on the SQLite file a running host uses: what the command line writes, the host picks
/// up, and what the host did, the command line shows; text, <c>--output json</c> and exit codes.
/// </summary>
public sealed class SqliteCliTests : IClassFixture<SqliteHostFixture>
{
    private readonly SqliteHostFixture fixture;

    public SqliteCliTests(SqliteHostFixture fixture)
    {
        this.fixture = fixture;
    }

    private AppFolder App => this.fixture.App;

    [Fact]
    public async Task StartNewAndRaiseEvent_HostOnTheSameFile_VerificationEndsTrueAndHistoryShowsIt()
    {
        // Arrange
        string phone = NewPhoneNumber();
        string id = "cli-" + Guid.NewGuid().ToString("N");

        // Act: start from the command line, answer with the texted code from the command line.
        CliResult started = await this.App.DurableAsync("start-new", "--function-name", "E4_SmsPhoneVerification", "--input", phone, "--id", id);
        string code = await this.fixture.WaitForCodeAsync(phone);
        CliResult raised = await this.App.DurableAsync("raise-event", "--id", id, "--event-name", "SmsChallengeResponse", "--event-data", code);
        await this.fixture.WaitForStatusAsync(id, "Completed");
        CliResult status = await this.App.DurableAsync("get-runtime-status", "--id", id, "--show-output");
        CliResult history = await this.App.DurableAsync("get-history", "--id", id);
        CliResult historyJson = await this.App.DurableAsync("get-history", "--id", id, "--output", "json");

        // Assert
        Assert.True(started.ExitCode == 0, started.ToString());
        Assert.Contains($"instance ID '{id}'", started.Output, StringComparison.Ordinal);
        Assert.True(raised.ExitCode == 0, raised.ToString());
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Matches(@"Runtime status:\s+Completed", status.Output);
        Assert.Matches(@"Output:\s+true", status.Output);
        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.Contains("ExecutionStarted", history.Output, StringComparison.Ordinal);
        Assert.Contains("SmsChallengeResponse", history.Output, StringComparison.Ordinal);
        Assert.Contains("ExecutionCompleted", history.Output, StringComparison.Ordinal);
        JArray events = Assert.IsType<JArray>(historyJson.Json);
        Assert.Contains(events, e => (string?)e["EventType"] == "EventRaised" && (string?)e["Name"] == "SmsChallengeResponse");
        Assert.Contains(events, e => (string?)e["EventType"] == "ExecutionCompleted" && (string?)e["OrchestrationStatus"] == "Completed");
    }

    [Fact]
    public async Task GetRuntimeStatusJson_FinishedInstance_IsTheHttpApiBody()
    {
        // Arrange: a verification answered wrongly four times ends false.
        string phone = NewPhoneNumber();
        string id = "cli-" + Guid.NewGuid().ToString("N");
        Assert.Equal(0, (await this.App.DurableAsync("start-new", "--function-name", "E4_SmsPhoneVerification", "--input", $"\"{phone}\"", "--id", id)).ExitCode);
        string code = await this.fixture.WaitForCodeAsync(phone);
        string wrong = code == "0000" ? "1111" : "0000";
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(0, (await this.App.DurableAsync("raise-event", "--id", id, "--event-name", "SmsChallengeResponse", "--event-data", wrong)).ExitCode);
        }

        await this.fixture.WaitForStatusAsync(id, "Completed");

        // Act
        CliResult cli = await this.App.DurableAsync("get-runtime-status", "--id", id, "--show-input", "--show-output", "-o", "json");
        CliResult list = await this.App.DurableAsync("get-instances", "--runtime-status", "Completed", "--top", "1000", "-o", "json");
        JObject http = await this.fixture.HttpStatusAsync(id);

        // Assert: byte for byte the API's body; the list holds the same object.
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Equal(http.ToString(Newtonsoft.Json.Formatting.None), cli.Output.Trim());
        Assert.False((bool)cli.Json["output"]!);
        JArray instances = Assert.IsType<JArray>(list.Json);
        Assert.Contains(instances, i => JToken.DeepEquals(i, http));
    }

    [Fact]
    public async Task StartNew_PhoneNumberNotE164_Exit2AndNothingStarted()
    {
        // Arrange
        string id = "cli-" + Guid.NewGuid().ToString("N");

        // Act
        CliResult refused = await this.App.DurableAsync("start-new", "--function-name", "E4_SmsPhoneVerification", "--input", "555-0123", "--id", id);
        CliResult refusedJson = await this.App.DurableAsync("start-new", "--function-name", "E4_SmsPhoneVerification", "--input", "2168", "--id", id, "-o", "json");
        CliResult status = await this.App.DurableAsync("get-runtime-status", "--id", id);

        // Assert
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("E.164", refused.Error, StringComparison.Ordinal);
        Assert.Equal(2, refusedJson.ExitCode);
        Assert.Equal(400, (int)refusedJson.Json["status"]!);
        Assert.Equal("--input", (string?)refusedJson.Json["field"]);
        Assert.Equal(1, status.ExitCode);
    }

    [Fact]
    public async Task StartNew_UnknownOrchestrator_Exit1NamingIt()
    {
        // Act
        CliResult result = await this.App.DurableAsync("start-new", "--function-name", "NoSuchOrchestrator", "--output", "json");

        // Assert
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(400, (int)result.Json["status"]!);
        Assert.Contains("NoSuchOrchestrator", (string?)result.Json["Message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRuntimeStatus_UnknownInstance_Exit1WithTheReason()
    {
        // Act
        CliResult text = await this.App.DurableAsync("get-runtime-status", "--id", "no-such-instance");
        CliResult json = await this.App.DurableAsync("get-runtime-status", "--id", "no-such-instance", "-o", "json");
        CliResult history = await this.App.DurableAsync("get-history", "--id", "no-such-instance");

        // Assert
        Assert.Equal(1, text.ExitCode);
        Assert.Contains("no-such-instance", text.Error, StringComparison.Ordinal);
        Assert.Equal(1, json.ExitCode);
        Assert.Equal(404, (int)json.Json["status"]!);
        Assert.Equal(1, history.ExitCode);
    }

    [Fact]
    public async Task SuspendResumeTerminate_WaitingInstance_HostAppliesEachAndWrongStatesAreRefused()
    {
        // Arrange: an instance waiting for its answer.
        string phone = NewPhoneNumber();
        string id = "cli-" + Guid.NewGuid().ToString("N");
        Assert.Equal(0, (await this.App.DurableAsync("start-new", "--function-name", "E4_SmsPhoneVerification", "--input", phone, "--id", id)).ExitCode);
        await this.fixture.WaitForCodeAsync(phone);

        // Act + Assert: suspend, suspend again (refused), resume, terminate, terminate again (refused).
        CliResult suspended = await this.App.DurableAsync("suspend", "--id", id, "--reason", "checking");
        Assert.True(suspended.ExitCode == 0, suspended.ToString());
        await this.fixture.WaitForStatusAsync(id, "Suspended");
        CliResult again = await this.App.DurableAsync("suspend", "--id", id, "-o", "json");
        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Equal(409, (int)again.Json["status"]!);
        CliResult rewindRunning = await this.App.DurableAsync("rewind", "--id", id, "-o", "json");
        Assert.Equal(1, rewindRunning.ExitCode);
        Assert.Equal(409, (int)rewindRunning.Json["status"]!);
        Assert.Contains("only orchestrations in the Failed state can be rewound", (string?)rewindRunning.Json["Message"], StringComparison.Ordinal);

        CliResult resumed = await this.App.DurableAsync("resume", "--id", id);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        await this.fixture.WaitForStatusAsync(id, "Running");

        CliResult terminated = await this.App.DurableAsync("terminate", "--id", id, "--reason", "done by hand");
        Assert.True(terminated.ExitCode == 0, terminated.ToString());
        await this.fixture.WaitForStatusAsync(id, "Terminated");
        CliResult status = await this.App.DurableAsync("get-runtime-status", "--id", id, "--show-output", "-o", "json");
        Assert.Equal("done by hand", (string?)status.Json["output"]);

        CliResult terminatedAgain = await this.App.DurableAsync("terminate", "--id", id);
        CliResult raiseToFinished = await this.App.DurableAsync("raise-event", "--id", id, "--event-name", "SmsChallengeResponse", "--event-data", "1234", "-o", "json");
        Assert.Equal(1, terminatedAgain.ExitCode);
        Assert.Contains("Terminated", terminatedAgain.Error, StringComparison.Ordinal);
        Assert.Equal(1, raiseToFinished.ExitCode);
        Assert.Equal(410, (int)raiseToFinished.Json["status"]!);
    }

    [Fact]
    public async Task Rewind_FailedInstance_AcceptedAndTheHostRunsItAgain()
    {
        // Arrange: the orchestrator fails without a phone number (started through the API, which does not check input).
        using HttpResponseMessage start = await this.fixture.Client.PostAsync("/runtime/webhooks/durabletask/orchestrators/E4_SmsPhoneVerification", null);
        string id = (string)JObject.Parse(await start.Content.ReadAsStringAsync())["id"]!;
        await this.fixture.WaitForStatusAsync(id, "Failed");

        // Act
        CliResult json = await this.App.DurableAsync("rewind", "--id", id, "--reason", "try again", "-o", "json");

        // Assert: accepted; the host replays it (it fails again: the input is still missing) with the rewind in its history.
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal("rewind", (string?)json.Json["operation"]);
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !(await this.fixture.HttpStatusAsync(id, "?showHistory=true")).ToString().Contains("ExecutionRewound", StringComparison.Ordinal))
        {
            await Task.Delay(100);
        }

        await this.fixture.WaitForStatusAsync(id, "Failed");
        CliResult history = await this.App.DurableAsync("get-history", "--id", id, "-o", "json");
        Assert.Equal("try again", (string?)Assert.IsType<JArray>(history.Json).Single(e => (string?)e["EventType"] == "ExecutionRewound")["Reason"]);
        CliResult unknownRewind = await this.App.DurableAsync("rewind", "--id", "no-such-instance", "-o", "json");
        Assert.Equal(404, (int)unknownRewind.Json["status"]!);
    }

    [Fact]
    public async Task GetInstances_TopOne_PrintsAContinuationTokenThatReadsTheNextPage()
    {
        // Arrange: two instances in a hub of their own (no host serves it, so they stay Pending).
        string hub = "Page" + Guid.NewGuid().ToString("N")[..8];
        foreach (string id in new[] { "page-a", "page-b" })
        {
            Assert.Equal(0, (await this.App.DurableAsync("start-new", "--task-hub-name", hub, "--function-name", "E4_SmsPhoneVerification", "--input", NewPhoneNumber(), "--id", id)).ExitCode);
        }

        // Act
        CliResult first = await this.App.DurableAsync("get-instances", "--task-hub-name", hub, "--top", "1", "-o", "json");
        string token = first.Error.Split("--continuation-token ")[1].Trim();
        CliResult second = await this.App.DurableAsync("get-instances", "--task-hub-name", hub, "--top", "1", "--continuation-token", token);
        CliResult badToken = await this.App.DurableAsync("get-instances", "--task-hub-name", hub, "--continuation-token", "garbage");

        // Assert
        Assert.True(first.ExitCode == 0, first.ToString());
        JToken firstInstance = Assert.Single(Assert.IsType<JArray>(first.Json));
        Assert.True(second.ExitCode == 0, second.ToString());
        string otherId = (string?)firstInstance["instanceId"] == "page-a" ? "page-b" : "page-a";
        Assert.Contains(otherId, second.Output, StringComparison.Ordinal);
        Assert.Contains("INSTANCE ID", second.Output, StringComparison.Ordinal);
        Assert.Equal(2, badToken.ExitCode);
    }

    [Fact]
    public async Task PurgeHistory_FinishedInstances_DeletesThemAndASecondPurgeFindsNone()
    {
        // Arrange: a terminated instance and a waiting one, created after a moment that no other test's instance is.
        DateTimeOffset before = DateTimeOffset.UtcNow.AddSeconds(-1);
        string phone = NewPhoneNumber();
        string finished = "purge-" + Guid.NewGuid().ToString("N");
        string waiting = "purge-" + Guid.NewGuid().ToString("N");
        Assert.Equal(0, (await this.App.DurableAsync("start-new", "--function-name", "E4_SmsPhoneVerification", "--input", phone, "--id", finished)).ExitCode);
        Assert.Equal(0, (await this.App.DurableAsync("start-new", "--function-name", "E4_SmsPhoneVerification", "--input", NewPhoneNumber(), "--id", waiting)).ExitCode);
        await this.fixture.WaitForCodeAsync(phone);
        Assert.Equal(0, (await this.App.DurableAsync("terminate", "--id", finished)).ExitCode);
        await this.fixture.WaitForStatusAsync(finished, "Terminated");
        string after = before.ToString("O", CultureInfo.InvariantCulture);

        // Act
        CliResult purged = await this.App.DurableAsync("purge-history", "--created-after", after, "--runtime-status", "Terminated", "-o", "json");
        CliResult again = await this.App.DurableAsync("purge-history", "--created-after", after, "--runtime-status", "Terminated");
        CliResult running = await this.App.DurableAsync("purge-history", "--runtime-status", "Running");

        // Assert
        Assert.True(purged.ExitCode == 0, purged.ToString());
        Assert.Equal(1, (int)purged.Json["instancesDeleted"]!);
        Assert.Equal(1, (await this.App.DurableAsync("get-runtime-status", "--id", finished)).ExitCode);
        Assert.Equal(0, (await this.App.DurableAsync("get-runtime-status", "--id", waiting)).ExitCode);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("No finished orchestration instance", again.Error, StringComparison.Ordinal);
        Assert.Equal(2, running.ExitCode);
        Assert.Equal(0, (await this.App.DurableAsync("terminate", "--id", waiting)).ExitCode);
    }

    [Fact]
    public async Task DeleteTaskHub_AnsweredNoThenYes_KeepsThenDeletesOnlyThatHub()
    {
        // Arrange: a hub of its own beside the host's.
        string hub = "Doomed" + Guid.NewGuid().ToString("N")[..8];
        string neighbour = "kept-" + Guid.NewGuid().ToString("N");
        Assert.Equal(0, (await this.App.DurableAsync("start-new", "--task-hub-name", hub, "--function-name", "E4_SmsPhoneVerification", "--input", NewPhoneNumber(), "--id", "doomed")).ExitCode);
        Assert.Equal(0, (await this.App.DurableAsync("start-new", "--function-name", "E4_SmsPhoneVerification", "--input", NewPhoneNumber(), "--id", neighbour)).ExitCode);

        // Act
        CliResult declined = await this.App.DurableWithInputAsync("n", "delete-task-hub", "--task-hub-name", hub);
        CliResult kept = await this.App.DurableAsync("get-runtime-status", "--task-hub-name", hub, "--id", "doomed");
        CliResult confirmed = await this.App.DurableWithInputAsync("y", "delete-task-hub", "--task-hub-name", hub);
        CliResult gone = await this.App.DurableAsync("get-runtime-status", "--task-hub-name", hub, "--id", "doomed");
        CliResult yes = await this.App.DurableAsync("delete-task-hub", "--task-hub-name", hub, "--yes", "-o", "json");
        CliResult hostHub = await this.App.DurableAsync("get-runtime-status", "--id", neighbour);

        // Assert
        Assert.Equal(1, declined.ExitCode);
        Assert.Contains("[y/N]", declined.Error, StringComparison.Ordinal);
        Assert.Equal(0, kept.ExitCode);
        Assert.True(confirmed.ExitCode == 0, confirmed.ToString());
        Assert.Contains("1 instance", confirmed.Output, StringComparison.Ordinal);
        Assert.Equal(1, gone.ExitCode);
        Assert.Equal(0, yes.ExitCode);
        Assert.Equal(0, (int)yes.Json["instancesDeleted"]!);
        Assert.Equal(0, hostHub.ExitCode);
        Assert.Equal(0, (await this.App.DurableAsync("terminate", "--id", neighbour)).ExitCode);
    }

    private static string NewPhoneNumber() => "+1555" + Random.Shared.Next(1_000_000, 10_000_000).ToString(CultureInfo.InvariantCulture);
}
