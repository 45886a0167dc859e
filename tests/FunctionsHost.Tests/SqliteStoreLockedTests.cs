using System.Net;
using Durable.Core.Storage;
using Durable.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>
/// The real host on a real SQLite store whose file another process keeps write-locked longer than the store's busy
/// budget: a start and a raised event answer 503 with Retry-After and a log line naming the lock, nothing of them is
/// written, reads go on, and once the lock is gone the same host serves as before.
/// </summary>
public sealed class SqliteStoreLockedTests : IAsyncLifetime
{
    private const string Api = TestHost.WebhookBase;
    private readonly LogCapture logs = new();
    private TestHost host = null!;
    private string databasePath = null!;

    public async Task InitializeAsync()
    {
        this.host = await TestHost.StartAsync(timeoutSeconds: 600, configure: options =>
        {
            this.databasePath = Path.Combine(options.ScriptRoot!, "locked.db");
            options.ConfigureServices = services =>
            {
                // A short busy budget keeps the test quick; the default (10 s) behaves the same, only later.
                services.AddSingleton<IOrchestrationStore>(_ => new SqliteOrchestrationStore(
                    new SqliteStoreOptions { DatabasePath = this.databasePath, BusyTimeout = TimeSpan.FromMilliseconds(200) },
                    TimeProvider.System));
                services.AddSingleton<ILoggerProvider>(this.logs);
            };
        });
    }

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    [Fact]
    public async Task FileLockedPastBusyBudget_StartAndAnswer503WithRetryAfter_NothingWritten_ServesAgainOnceReleased()
    {
        // Arrange: a verification waiting for its code.
        string phone = TestHost.NewPhoneNumber();
        JObject waiting = await this.host.StartVerificationAsync(phone);
        string code = await this.host.ReadCodeAsync(phone);
        await this.host.WaitForTimerAsync((string)waiting["id"]!);
        string before = await this.host.ListInstancesAsync();
        string otherPhone = TestHost.NewPhoneNumber();

        // Act: another process (to SQLite, any other connection) takes the file's write lock and keeps it.
        HttpResponseMessage start;
        HttpResponseMessage answer;
        HttpStatusCode statusWhileLocked;
        using (SqliteConnection other = new(new SqliteConnectionStringBuilder { DataSource = this.databasePath, Pooling = false }.ToString()))
        {
            other.Open();
            Execute(other, "BEGIN IMMEDIATE");
            start = await this.host.PostJsonAsync("/orchestrators/E4_SmsPhoneVerification", $"\"{otherPhone}\"");
            answer = await this.host.PostJsonAsync(SendEventUri(waiting), AsJsonNumber(code));
            using (HttpResponseMessage status = await this.host.Client.GetAsync((string)waiting["statusQueryGetUri"]!))
            {
                statusWhileLocked = status.StatusCode;
            }

            Execute(other, "ROLLBACK");
        }

        // Assert: both refused with 503 + Retry-After, logged naming the lock; reads went on; nothing was written.
        using (start)
        using (answer)
        {
            await AssertUnavailableAsync(start, "error");
            await AssertUnavailableAsync(answer, "Message");
        }

        Assert.Equal(HttpStatusCode.Accepted, statusWhileLocked);
        Assert.Contains(this.logs.Entries, e => e.Category == "FunctionsHost.Http" && e.Level == LogLevel.Error
            && e.Message.Contains("answered 503: the store is unavailable", StringComparison.Ordinal)
            && e.Message.Contains("locked by another writer", StringComparison.Ordinal));
        Assert.Contains(this.logs.Entries, e => e.Category == "Durable.WebJobs.HttpApi" && e.Level == LogLevel.Error
            && e.Message.Contains("answered 503: the store is unavailable", StringComparison.Ordinal)
            && e.Message.Contains("locked by another writer", StringComparison.Ordinal));
        Assert.Equal(before, await this.host.ListInstancesAsync());

        // Lock gone: the same host takes the answer, the verification ends verified, and a new start is accepted.
        await this.host.AnswerCodeAsync(waiting, code);
        (HttpStatusCode finalStatus, JObject final) = await this.host.WaitForEndAsync(waiting);
        Assert.Equal(HttpStatusCode.OK, finalStatus);
        Assert.True((bool)final["output"]!);
        JObject history = TestHost.Parse(await this.host.Client.GetStringAsync((string)waiting["statusQueryGetUri"]! + "&showHistory=true"));
        Assert.Single((JArray)history["historyEvents"]!, e => (string?)e["EventType"] == "EventRaised");
        JObject restarted = await this.host.StartVerificationAsync(otherPhone);
        Assert.Equal(4, (await this.host.ReadCodeAsync(otherPhone)).Length);
        Assert.NotEqual((string)waiting["id"]!, (string)restarted["id"]!);
    }

    /// <summary>A code with leading zeros is not a JSON number as is (<c>0396</c>); a user sends <c>396</c>.</summary>
    private static string AsJsonNumber(string code) =>
        int.Parse(code, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string SendEventUri(JObject payload) =>
        ((string)payload["sendEventPostUri"]!).Replace("{eventName}", "SmsChallengeResponse", StringComparison.Ordinal);

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response, string messageField)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        JObject error = JObject.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("temporarily unavailable; nothing was changed", (string?)error[messageField], StringComparison.Ordinal);
    }
}
