using System.Net;
using Durable.Core.Storage;
using Durable.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>
/// The real host on a real SQLite store that runs out of room. The file may not grow past its size when the host
/// opens it (<see cref="SqliteStoreOptions.MaxPageCountForTests"/>, SQLite's page cap: the same SQLITE_FULL a full disk
/// gives); the room inside it is a reserve of free pages, which another writer then takes. Starts answer 503 with
/// Retry-After and a log line saying the disk is full, nothing of them is written, every start answered 202 before
/// still verifies, and once the other writer gives its pages back the same host serves again.
/// </summary>
public sealed class SqliteStoreFullTests : IAsyncLifetime
{
    private const string Api = TestHost.WebhookBase;

    // Free pages left in the file before the host opens it: its whole "disk" (1 MiB of 4 KiB pages).
    private const int ReservePages = 256;

    private readonly LogCapture logs = new();
    private TestHost host = null!;
    private string databasePath = null!;

    public async Task InitializeAsync()
    {
        this.host = await TestHost.StartAsync(timeoutSeconds: 600, configure: options =>
        {
            this.databasePath = Path.Combine(options.ScriptRoot!, "full.db");
            using (SqliteConnection reserve = this.Connect())
            {
                Execute(reserve, "PRAGMA journal_mode=WAL");
                Execute(reserve, "CREATE TABLE filler (payload BLOB NOT NULL)");
                Execute(reserve, $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ReservePages}) INSERT INTO filler SELECT randomblob(3500) FROM n");
                Execute(reserve, "DELETE FROM filler");
            }

            options.ConfigureServices = services =>
            {
                services.AddSingleton<IOrchestrationStore>(_ => new SqliteOrchestrationStore(
                    new SqliteStoreOptions { DatabasePath = this.databasePath, MaxPageCountForTests = 1 },
                    TimeProvider.System));
                services.AddSingleton<ILoggerProvider>(this.logs);
            };
        });
    }

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    [Fact]
    public async Task DiskFull_Start503WithRetryAfter_NothingWritten_AcceptedStartsStillVerify_ServesAgainWhenSpaceReturns()
    {
        // Arrange: a verification waiting for its code; then another writer takes every free page of the file.
        string firstPhone = TestHost.NewPhoneNumber();
        JObject first = await this.host.StartVerificationAsync(firstPhone);
        List<(JObject Payload, string Phone)> accepted = [(first, firstPhone)];
        await this.host.WaitForTimerAsync((string)first["id"]!);
        using SqliteConnection filler = this.Connect();
        Assert.True(TakeEveryFreePage(filler) > 0, "the host's reserve of free pages was gone before the filler came");

        // Act: start verifications until one is refused (whatever still fits in the host's half-filled pages goes in).
        HttpResponseMessage? refused = null;
        string refusedPhone = string.Empty;
        for (int i = 0; i < 100 && refused is null; i++)
        {
            string phone = TestHost.NewPhoneNumber();
            HttpResponseMessage response = await this.host.PostJsonAsync("/orchestrators/E4_SmsPhoneVerification", $"\"{phone}\"");
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                accepted.Add((JObject.Parse(await response.Content.ReadAsStringAsync()), phone));
                response.Dispose();
            }
            else
            {
                (refused, refusedPhone) = (response, phone);
            }
        }

        string listedWhileFull = await this.host.ListInstancesAsync();

        // Space returns: the other writer deletes its rows, their pages are free again.
        Execute(filler, "DELETE FROM filler");

        // Assert: refused with 503 + Retry-After, logged as "disk full"; only the accepted starts are stored.
        Assert.NotNull(refused);
        using (refused)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
            JObject error = JObject.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Contains("temporarily unavailable; nothing was changed", (string?)error["error"], StringComparison.Ordinal);
        }

        Assert.Contains(this.logs.Entries, e => e.Category == "FunctionsHost.Http" && e.Level == LogLevel.Error
            && e.Message.Contains("answered 503: the store is unavailable", StringComparison.Ordinal)
            && e.Message.Contains("the disk is full", StringComparison.Ordinal));
        Assert.Equal(
            accepted.Select(a => (string)a.Payload["id"]!).Order(StringComparer.Ordinal),
            listedWhileFull.Split('\n').Select(line => line.Split(' ')[0]));

        // The same host serves again: a new start is accepted, and every start answered 202 verifies with its code.
        string laterPhone = TestHost.NewPhoneNumber();
        accepted.Add((await this.host.StartVerificationAsync(laterPhone), laterPhone));
        foreach ((JObject payload, string phone) in accepted)
        {
            await this.host.AnswerCodeAsync(payload, await this.host.ReadCodeAsync(phone));
        }

        foreach ((JObject payload, _) in accepted)
        {
            (HttpStatusCode status, JObject body) = await this.host.WaitForEndAsync(payload);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True((bool)body["output"]!, $"instance {payload["id"]}: {body}");
        }

        Assert.Empty(JArray.Parse(await this.host.Client.GetStringAsync("/dev/outbox?to=" + Uri.EscapeDataString(refusedPhone))));
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Inserts page-sized rows, under the same cap as the host's writer (the file's size now), until SQLite answers
    /// SQLITE_FULL: no free page is left for the host, and the file has not grown. Returns the pages taken.
    /// </summary>
    private static int TakeEveryFreePage(SqliteConnection filler)
    {
        Execute(filler, "PRAGMA max_page_count=1");
        for (int rows = 0; rows < 10 * ReservePages; rows++)
        {
            try
            {
                Execute(filler, "INSERT INTO filler VALUES (randomblob(3500))");
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 13)
            {
                return rows;
            }
        }

        throw new InvalidOperationException($"The file took {10 * ReservePages} pages without running full: the page cap is not in effect.");
    }

    private SqliteConnection Connect()
    {
        SqliteConnection connection = new(new SqliteConnectionStringBuilder { DataSource = this.databasePath, Pooling = false, DefaultTimeout = 10 }.ToString());
        connection.Open();
        return connection;
    }
}
