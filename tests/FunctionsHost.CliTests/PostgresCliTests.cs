using Durable.Testing;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.CliTests;

/// <summary>
/// Every verb as a child process against PostgreSQL (the throwaway cluster), configured as the host is: host.json names
/// the app setting holding the connection string; <c>--connection-string-setting</c> and <c>--task-hub-name</c> override.
/// No host runs, so instances stay Pending and messages wait in the inbox: what is checked is what the store holds.
/// </summary>
public sealed class PostgresCliTests : IClassFixture<PostgresClusterFixture>, IAsyncLifetime
{
    private const string Setting = "DurablePostgres";
    private readonly PostgresClusterFixture cluster;
    private AppFolder? app;

    public PostgresCliTests(PostgresClusterFixture cluster)
    {
        this.cluster = cluster;
    }

    private AppFolder App => this.app ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        if (PostgresCluster.SkipReason is not null)
        {
            return;
        }

        string connectionString = await this.cluster.CreateDatabaseAsync("cli_" + Guid.NewGuid().ToString("N"));
        this.app = AppFolder.Postgres("PgCliHub", Setting, new Dictionary<string, string> { [Setting] = connectionString, ["OtherSetting"] = connectionString });
    }

    public Task DisposeAsync()
    {
        this.app?.Dispose();
        return Task.CompletedTask;
    }

    [PostgresFact]
    public async Task EveryVerb_Postgres_TextJsonAndExitCodes()
    {
        // start-new: text and JSON (the API's status body of the new instance).
        CliResult started = await this.App.DurableAsync("start-new", "--function-name", "E4_SmsPhoneVerification", "--input", "+14255550123", "--id", "pg-1");
        Assert.True(started.ExitCode == 0, started.ToString());
        Assert.Contains("'pg-1'", started.Output, StringComparison.Ordinal);
        CliResult startedJson = await this.App.DurableAsync("start-new", "--function-name", "E4_SmsPhoneVerification", "--input", "\"+14255550124\"", "--id", "pg-2", "-o", "json");
        Assert.Equal(0, startedJson.ExitCode);
        Assert.Equal("Pending", (string?)startedJson.Json["runtimeStatus"]);
        Assert.Equal("+14255550124", (string?)startedJson.Json["input"]);
        Assert.Equal(2, (await this.App.DurableAsync("start-new", "--function-name", "E4_SmsPhoneVerification", "--input", "+1", "--id", "pg-3")).ExitCode);
        Assert.Equal(1, (await this.App.DurableAsync("start-new", "--function-name", "E4_SmsPhoneVerification", "--input", "+14255550125", "--id", "pg-1")).ExitCode);

        // get-runtime-status and get-instances.
        CliResult status = await this.App.DurableAsync("get-runtime-status", "--id", "pg-1", "--show-input");
        Assert.Equal(0, status.ExitCode);
        Assert.Matches(@"Runtime status:\s+Pending", status.Output);
        Assert.Contains("+14255550123", status.Output, StringComparison.Ordinal);
        CliResult list = await this.App.DurableAsync("get-instances", "--runtime-status", "Pending", "-o", "json");
        Assert.Equal(0, list.ExitCode);
        Assert.Equal(new[] { "pg-1", "pg-2" }, Assert.IsType<JArray>(list.Json).Select(i => (string)i["instanceId"]!).Order());
        CliResult none = await this.App.DurableAsync("get-instances", "--runtime-status", "Completed");
        Assert.Equal(0, none.ExitCode);
        Assert.DoesNotContain("pg-1", none.Output, StringComparison.Ordinal);

        // raise-event, suspend, terminate: accepted into the inbox of a live instance; resume and unknown instances refused.
        Assert.Equal(0, (await this.App.DurableAsync("raise-event", "--id", "pg-1", "--event-name", "SmsChallengeResponse", "--event-data", "1234")).ExitCode);
        Assert.Equal(0, (await this.App.DurableAsync("suspend", "--id", "pg-1", "--reason", "look")).ExitCode);
        CliResult resume = await this.App.DurableAsync("resume", "--id", "pg-1", "-o", "json");
        Assert.Equal(1, resume.ExitCode); // no host applied the suspend: the instance is still Pending, not Suspended
        Assert.Equal(409, (int)resume.Json["status"]!);
        Assert.Equal(0, (await this.App.DurableAsync("terminate", "--id", "pg-2", "--reason", "stop")).ExitCode);
        CliResult unknown = await this.App.DurableAsync("raise-event", "--id", "pg-404", "--event-name", "E", "-o", "json");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal(404, (int)unknown.Json["status"]!);

        // get-history of a Pending instance (nothing has run yet) and rewind (only Failed instances).
        CliResult history = await this.App.DurableAsync("get-history", "--id", "pg-1", "-o", "json");
        Assert.Equal(0, history.ExitCode);
        Assert.IsType<JArray>(history.Json);
        CliResult rewind = await this.App.DurableAsync("rewind", "--id", "pg-1", "-o", "json");
        Assert.Equal(1, rewind.ExitCode);
        Assert.Equal(409, (int)rewind.Json["status"]!);

        // purge-history: nothing finished yet.
        CliResult purge = await this.App.DurableAsync("purge-history");
        Assert.Equal(1, purge.ExitCode);
        Assert.Contains("No finished orchestration instance", purge.Error, StringComparison.Ordinal);

        // --task-hub-name isolates; --connection-string-setting names another setting with the same database.
        Assert.Equal(1, (await this.App.DurableAsync("get-runtime-status", "--id", "pg-1", "--task-hub-name", "OtherHub")).ExitCode);
        Assert.Equal(0, (await this.App.DurableAsync("get-runtime-status", "--id", "pg-1", "--connection-string-setting", "OtherSetting")).ExitCode);
        CliResult missingSetting = await this.App.DurableAsync("get-runtime-status", "--id", "pg-1", "--connection-string-setting", "NotSet");
        Assert.Equal(2, missingSetting.ExitCode);
        Assert.Contains("NotSet", missingSetting.Error, StringComparison.Ordinal);

        // delete-task-hub: every instance, running ones too.
        CliResult deleted = await this.App.DurableAsync("delete-task-hub", "--yes", "-o", "json");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal(2, (int)deleted.Json["instancesDeleted"]!);
        Assert.Equal(1, (await this.App.DurableAsync("get-runtime-status", "--id", "pg-1")).ExitCode);
    }

    [PostgresFact]
    public async Task AnyVerb_ServerUnreachable_Exit1WithOneLineAndNoSecret()
    {
        // Arrange: a setting pointing at a port nothing listens on.
        using AppFolder unreachable = AppFolder.Postgres(
            "PgCliHub",
            Setting,
            new Dictionary<string, string> { [Setting] = "Host=127.0.0.1;Port=1;Database=none;Username=nobody;Password=s3cret-value;Timeout=2" });

        // Act
        CliResult result = await unreachable.DurableAsync("get-instances");

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain("s3cret-value", result.Error + result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }
}
