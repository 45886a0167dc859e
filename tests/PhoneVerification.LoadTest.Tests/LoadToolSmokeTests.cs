using System.Globalization;
using System.Text.Json.Nodes;
using Durable.Testing;
using PhoneVerification.LoadTest;

namespace PhoneVerification.LoadTest.Tests;

/// <summary>
/// Runs the tool for a few flows of each mode against a real FunctionsHost process, and checks that it ran and that
/// its final JSON line parses with the expected counts. Speed is the tool's business, never asserted here.
/// </summary>
public sealed class LoadToolSmokeTests
{
    [Fact]
    public async Task RightWrongAndIdle_AgainstAHostStartedByTheTest_CountEveryFlow()
    {
        // Arrange: the test starts the host (window 60 s) with its SMS going to the tool's sink port.
        int sinkPort = FreePort();
        await using LoadHost host = LoadHost.Create(new Uri($"http://127.0.0.1:{sinkPort}"), 60, null, new Dictionary<string, string>(), null);
        using HttpClient client = new();
        await host.StartAsync(client);
        string[] common = ["--base-url", host.BaseUrl.ToString(), "--sink-port", sinkPort.ToString(CultureInfo.InvariantCulture), "--host-pid", host.Pid!.Value.ToString(CultureInfo.InvariantCulture), "--db", host.DatabasePath];

        // Act
        (JsonObject right, string rightText) = await RunToolAsync([.. common, "--mode", "right", "--flows", "4", "--warmup", "1", "--warmup-seconds", "1", "--concurrency", "2"]);
        (JsonObject wrong, _) = await RunToolAsync([.. common, "--mode", "wrong", "--k", "2", "--flows", "3", "--warmup", "0", "--concurrency", "3"]);
        (JsonObject idle, _) = await RunToolAsync([.. common, "--mode", "idle", "--flows", "3", "--concurrency", "3"]);
        (JsonObject flooded, string floodText) = await RunToolAsync([.. common, "--mode", "right", "--flows", "3", "--warmup", "0", "--concurrency", "3", "--flood-events", "5", "--flood-bytes", "1024"]);

        // Assert
        Assert.True(0 == (int)right["failed"]!, rightText);
        Assert.Equal(4, (int)right["ok"]!);
        Assert.Equal(0, (int)right["failed"]!);
        Assert.Equal(4, (int)right["outputTrue"]!);
        Assert.Equal(4, (int)right["raiseToCompletedMs"]!["n"]!);
        Assert.Equal(4, (int)right["startTo202Ms"]!["n"]!);
        Assert.True((double)right["flowsPerSecond"]! > 0);
        Assert.Contains("raiseEvent -> Completed:", rightText, StringComparison.Ordinal);
        Assert.True((double)right["warmupElapsedS"]! >= 1, "warm-up goes on until --warmup-seconds have passed");
        Assert.Equal((int)right["warmup"]! + 4, (long)right["sinkMessages"]!);

        Assert.Equal(3, (int)wrong["outputTrue"]!);
        Assert.Equal(0, (int)wrong["failed"]!);
        Assert.Equal(2, (int)wrong["k"]!);

        Assert.True(3 == (int)flooded["ok"]!, floodText);
        Assert.Equal(5, (int)flooded["flood"]!["statuses"]!["202"]!);
        Assert.Equal(1024, (int)flooded["flood"]!["bodyBytes"]!);

        Assert.Equal(3, (int)idle["ok"]!);
        Assert.Null(idle["raiseToCompletedMs"]);
        Assert.True((double)idle["hostRssMb"]! > 0, "RSS read from /proc for --host-pid");
        Assert.True((long)idle["storeBytes"]! > 0, "size of the SQLite file given by --db");
    }

    [Fact]
    public async Task Timeout_ToolStartsItsOwnHost_ReportsTimerLatenessFromHistory()
    {
        // The tool starts the host itself with a 1 s window; no answer is sent, so every flow ends false.
        (JsonObject figures, string text) = await RunToolAsync(["--start-host", "--window", "1", "--mode", "timeout", "--flows", "3", "--concurrency", "3", "--poll-ms", "50"]);

        Assert.True(0 == (int)figures["failed"]!, text);
        Assert.Equal(3, (int)figures["ok"]!);
        Assert.Equal(0, (int)figures["failed"]!);
        Assert.Equal(3, (int)figures["outputFalse"]!);
        Assert.Equal(3, (int)figures["timerLatenessMs"]!["n"]!);
        Assert.InRange((int)figures["timersDueMaxPerSecond"]!, 1, 3);
        Assert.True((double)figures["timerLatenessMs"]!["p50"]! >= 0, "an episode never runs before its timer is due");
    }

    [Fact]
    public async Task Seed_ClonesACompletedInstance_AndFlowsStillRunOnTheGrownFile()
    {
        // Arrange: a file with two real completed flows.
        string folder = Path.Combine(Path.GetTempPath(), "pv-loadtest-seed-" + Guid.NewGuid().ToString("N"));
        string db = Path.Combine(folder, "grow.db");
        Directory.CreateDirectory(folder);
        try
        {
            await RunToolAsync(["--start-host", "--db", db, "--mode", "right", "--flows", "2", "--warmup", "0", "--concurrency", "2"]);

            // Act
            StoreSeeder.Seed(db, 5, TextWriter.Null);
            (JsonObject after, string text) = await RunToolAsync(["--start-host", "--db", db, "--mode", "right", "--flows", "1", "--warmup", "0"]);

            // Assert: 2 real + 5 clones + 1 more, all completed with their own history.
            Assert.True(0 == (int)after["failed"]!, text);
            using Microsoft.Data.Sqlite.SqliteConnection connection = new($"Data Source={db};Pooling=False");
            connection.Open();
            using Microsoft.Data.Sqlite.SqliteCommand count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*), COUNT(DISTINCT instance_id) FROM instances WHERE status = 1; ";
            using (Microsoft.Data.Sqlite.SqliteDataReader reader = count.ExecuteReader())
            {
                Assert.True(reader.Read());
                Assert.Equal(8L, reader.GetInt64(0));
                Assert.Equal(8L, reader.GetInt64(1));
            }

            count.CommandText = "SELECT COUNT(*) FROM instances i WHERE NOT EXISTS (SELECT 1 FROM history h WHERE h.hub = i.hub AND h.instance_id = i.instance_id)";
            Assert.Equal(0L, (long)count.ExecuteScalar()!);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [PostgresFact]
    public async Task StorePostgres_TwoHostsOnAThrowawayServer_SpreadStartsAndReportDatabaseCpu()
    {
        // Act: the tool starts the server and both hosts; starts alternate between the hosts.
        (JsonObject figures, string text) = await RunToolAsync(["--start-host", "--store", "postgres", "--hosts", "2", "--pg-stat-statements", "--mode", "right", "--flows", "4", "--warmup", "0", "--concurrency", "2", "--poll-ms", "50"]);

        // Assert
        Assert.True(4 == (int)figures["ok"]!, text);
        Assert.Equal("postgres", (string)figures["storeKind"]!);
        Assert.Equal(2, (int)figures["hosts"]!);
        JsonArray perHost = figures["perHost"]!.AsArray();
        Assert.Equal(2, perHost.Count);
        Assert.All(perHost, h => Assert.Equal(2, (double)h!["instancesStarted"]!));
        // A right flow takes three episodes, each counted by the host that ran it. The last one is counted just after
        // its commit, which the status poll may see first; the two before it certainly are counted.
        Assert.True(perHost.Sum(h => (double)h!["episodes"]!) >= 4 * 2, text);
        Assert.True((double)figures["dbCpuMsPerFlow"]! > 0, "the throwaway server runs here: its postmaster and backends are read from /proc");
        Assert.True((double)figures["pgStatements"]!["statementsPerFlow"]! > 0, text);
        Assert.Null(figures["storeBytes"]);
    }

    [Fact]
    public void Options_UnknownOrContradictory_AreRefusedWithTheReason()
    {
        Assert.Contains("exactly one of --base-url", Assert.Throws<ArgumentException>(() => LoadTestOptions.Parse(["--mode", "right"])).Message, StringComparison.Ordinal);
        Assert.Contains("--mode must be", Assert.Throws<ArgumentException>(() => LoadTestOptions.Parse(["--start-host", "--mode", "fast"])).Message, StringComparison.Ordinal);
        Assert.Contains("--k must be at most 3", Assert.Throws<ArgumentException>(() => LoadTestOptions.Parse(["--start-host", "--mode", "wrong", "--k", "4"])).Message, StringComparison.Ordinal);
        Assert.Contains("--restart needs", Assert.Throws<ArgumentException>(() => LoadTestOptions.Parse(["--start-host", "--restart"])).Message, StringComparison.Ordinal);
    }

    /// <summary>Runs the tool in-process; returns its last line parsed as JSON and its whole output.</summary>
    private static async Task<(JsonObject Figures, string Output)> RunToolAsync(string[] args)
    {
        StringWriter output = new();
        await new LoadRun(LoadTestOptions.Parse(args), TextWriter.Synchronized(output)).RunAsync(CancellationToken.None);
        string text = output.ToString();
        string last = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        return (JsonNode.Parse(last)!.AsObject(), text);
    }

    private static int FreePort()
    {
        using System.Net.Sockets.TcpListener listener = new(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
