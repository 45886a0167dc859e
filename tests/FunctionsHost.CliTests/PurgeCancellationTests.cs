using System.Diagnostics;
using System.Globalization;
using Durable.Sqlite;
using Microsoft.Data.Sqlite;

namespace FunctionsHost.CliTests;

/// <summary>
/// A long purge shows progress and stops cleanly on Ctrl-C (SIGINT): every instance is either wholly purged or wholly
/// kept, with no history left without its instance.
/// </summary>
public sealed class PurgeCancellationTests : IDisposable
{
    private const string Hub = "PurgeHub";
    private const int Instances = 20_000;
    private const int EventsPerInstance = 3;
    private readonly AppFolder app = AppFolder.Sqlite(Hub);

    public void Dispose() => this.app.Dispose();

    [Fact]
    public async Task PurgeHistory_CtrlCDuringALongPurge_Exit130AndEveryInstanceWhollyPurgedOrKept()
    {
        // Arrange: many finished instances, written straight into the file (the store creates the schema).
        await this.SeedAsync();

        // Act: interrupt once the first page is done.
        using Process process = this.app.StartDurable("purge-history");
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        List<string> errors = [];
        string? line;
        while ((line = await process.StandardError.ReadLineAsync()) is not null)
        {
            errors.Add(line);
            if (line.Contains("so far", StringComparison.Ordinal))
            {
                using Process kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
                break;
            }
        }

        errors.AddRange((await process.StandardError.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using CancellationTokenSource deadline = new(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        await output;
        (long remaining, long orphanHistory, long partialHistory) = this.Count();

        // Assert
        string stderr = string.Join('\n', errors);
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}\n{stderr}");
        Assert.Contains("Purged 500 instance(s) so far", stderr, StringComparison.Ordinal);
        Assert.Contains("Stopped after purging", stderr, StringComparison.Ordinal);
        Assert.InRange(remaining, 1, Instances - 500);
        Assert.Equal(0, orphanHistory);
        Assert.Equal(0, partialHistory);
    }

    private async Task SeedAsync()
    {
        await using (SqliteOrchestrationStore store = new(new SqliteStoreOptions { DatabasePath = this.app.DatabasePath, HubName = Hub }, TimeProvider.System))
        {
            await store.InitializeAsync(CancellationToken.None);
        }

        using SqliteConnection connection = new($"Data Source={this.app.DatabasePath};Pooling=false");
        connection.Open();
        using SqliteTransaction transaction = connection.BeginTransaction();
        long created = DateTimeOffset.UtcNow.AddDays(-1).UtcTicks;
        using SqliteCommand instance = connection.CreateCommand();
        instance.CommandText =
            "INSERT INTO instances (hub, instance_id, execution_id, name, status, input, output, created_time, last_updated_time, completed_time) " +
            "VALUES ($hub, $id, 'e', 'E4_SmsPhoneVerification', 1, '\"+15550100\"', 'true', $t, $t, $t)";
        using SqliteCommand history = connection.CreateCommand();
        history.CommandText = "INSERT INTO history (hub, instance_id, sequence, event_type, payload, execution_id) VALUES ($hub, $id, $seq, 0, '{}', 'e')";
        foreach (SqliteCommand command in new[] { instance, history })
        {
            command.Parameters.AddWithValue("$hub", Hub);
            command.Parameters.Add("$id", SqliteType.Text);
        }

        instance.Parameters.AddWithValue("$t", created);
        history.Parameters.Add("$seq", SqliteType.Integer);
        for (int i = 0; i < Instances; i++)
        {
            string id = "done-" + i.ToString("D5", CultureInfo.InvariantCulture);
            instance.Parameters["$id"].Value = id;
            instance.ExecuteNonQuery();
            history.Parameters["$id"].Value = id;
            for (int sequence = 0; sequence < EventsPerInstance; sequence++)
            {
                history.Parameters["$seq"].Value = sequence;
                history.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    private (long Remaining, long OrphanHistory, long PartialHistory) Count()
    {
        using SqliteConnection connection = new($"Data Source={this.app.DatabasePath};Pooling=false");
        connection.Open();
        return (
            Scalar(connection, "SELECT COUNT(*) FROM instances WHERE hub = 'PurgeHub'"),
            Scalar(connection, "SELECT COUNT(*) FROM history h WHERE NOT EXISTS (SELECT 1 FROM instances i WHERE i.hub = h.hub AND i.instance_id = h.instance_id)"),
            Scalar(connection, $"SELECT COUNT(*) FROM (SELECT instance_id FROM history GROUP BY instance_id HAVING COUNT(*) <> {EventsPerInstance})"));
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
