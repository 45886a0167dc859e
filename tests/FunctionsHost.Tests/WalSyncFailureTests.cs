using System.Net;
using Durable.Core.Storage;
using Durable.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>
/// The real host on SQLite when an fsync of the write-ahead log fails (injected in the store's sync call, as a failing
/// disk gives it): the caller gets 503 saying the outcome is unknown, not "nothing changed"; one error line is logged;
/// the host stops on its own with a non-zero exit code; a host started again on the file serves every acknowledged write.
/// </summary>
public sealed class WalSyncFailureTests : IAsyncLifetime
{
    private readonly LogCapture logs = new();
    private readonly string folder = Path.Combine(Path.GetTempPath(), "wal-sync-failure-" + Guid.NewGuid().ToString("N"));
    private volatile bool failSync;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(this.folder);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(this.folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Fsync_Fails_503OutcomeUnknown_OneErrorLine_HostExitsNonZero_RestartServesAcknowledgedWrites()
    {
        // Arrange: a verification acknowledged (202) and waiting for its code.
        string databasePath = Path.Combine(this.folder, "durable.db");
        string phone = TestHost.NewPhoneNumber();
        JObject acknowledged;
        string code;
        int exitCode;
        HttpStatusCode status;
        JObject body;
        await using (TestHost host = await this.StartHostAsync(databasePath, failing: true))
        {
            acknowledged = await host.StartVerificationAsync(phone);
            code = await host.ReadCodeAsync(phone);
            await host.WaitForTimerAsync((string)acknowledged["id"]!);

            // Act: the disk fails the next fsync.
            this.failSync = true;
            using HttpResponseMessage response = await host.PostJsonAsync("/orchestrators/E4_SmsPhoneVerification", $"\"{TestHost.NewPhoneNumber()}\"");
            status = response.StatusCode;
            body = JObject.Parse(await response.Content.ReadAsStringAsync());
            for (int i = 0; i < 300 && !host.Stopping.IsCancellationRequested; i++)
            {
                await Task.Delay(100, CancellationToken.None);
            }

            Assert.True(host.Stopping.IsCancellationRequested, "the host did not stop on its own after the store failed");
            exitCode = host.ExitCode;
        }

        // Assert: 503 saying the outcome is unknown; one critical line; exit code 74.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unknown", (string?)body["outcome"]);
        Assert.Contains("outcome of this request is unknown", (string?)body["error"], StringComparison.Ordinal);
        Assert.Equal(74, exitCode);
        LogCapture.Entry line = Assert.Single(this.logs.Entries, e => e.Level == LogLevel.Critical);
        Assert.Contains("could not be synced to disk", line.Message, StringComparison.Ordinal);
        Assert.Contains("exit code 74", line.Message, StringComparison.Ordinal);

        // Assert: restarted on the same file (syncing works again), the acknowledged verification is there and still verifies.
        await using TestHost restarted = await this.StartHostAsync(databasePath, failing: false);

        // The links named the first host's port; the restarted host serves the same paths.
        foreach (string link in new[] { "sendEventPostUri", "statusQueryGetUri" })
        {
            acknowledged[link] = new Uri((string)acknowledged[link]!).PathAndQuery.Replace("%7B", "{", StringComparison.Ordinal).Replace("%7D", "}", StringComparison.Ordinal);
        }

        await restarted.AnswerCodeAsync(acknowledged, code);
        (HttpStatusCode finalStatus, JObject final) = await restarted.WaitForEndAsync(acknowledged);
        Assert.Equal(HttpStatusCode.OK, finalStatus);
        Assert.True((bool)final["output"]!);
    }

    private Task<TestHost> StartHostAsync(string databasePath, bool failing) =>
        TestHost.StartAsync(timeoutSeconds: 600, configure: options => options.ConfigureServices = services =>
        {
            services.AddSingleton<IOrchestrationStore>(_ => new SqliteOrchestrationStore(
                new SqliteStoreOptions { DatabasePath = databasePath, WalSyncForTests = failing ? this.Sync : null },
                TimeProvider.System));
            services.AddSingleton<ILoggerProvider>(this.logs);
        });

    private void Sync(FileStream wal)
    {
        if (this.failSync)
        {
            throw new IOException("Input/output error (injected fsync failure)");
        }

        wal.Flush(flushToDisk: true);
    }
}
