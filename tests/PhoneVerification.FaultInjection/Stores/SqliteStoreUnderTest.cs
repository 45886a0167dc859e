using Durable.Core;
using Durable.Core.History;
using Microsoft.Data.Sqlite;
using Newtonsoft.Json.Linq;

namespace PhoneVerification.FaultInjection.Stores;

/// <summary>The embedded store: a fresh SQLite file in the app folder, read back with Microsoft.Data.Sqlite.</summary>
internal sealed class SqliteStoreUnderTest : IStoreUnderTest
{
    private const string FileName = "fault-injection.db";

    public string Name => "SQLite";

    public IReadOnlyDictionary<string, string?> HostSettings(string appFolder, string hubName) => new Dictionary<string, string?>
    {
        ["AzureFunctionsJobHost__extensions__durableTask__hubName"] = hubName,
        ["AzureFunctionsJobHost__extensions__durableTask__storageProvider__type"] = "sqlite",
        ["AzureFunctionsJobHost__extensions__durableTask__storageProvider__databasePath"] = Path.Combine(appFolder, FileName),
    };

    public async Task<StoreSnapshot> ReadAsync(string appFolder, string hubName)
    {
        SqliteConnectionStringBuilder connectionString = new()
        {
            DataSource = Path.Combine(appFolder, FileName),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        };
        await using SqliteConnection connection = new(connectionString.ToString());
        await connection.OpenAsync();
        List<InstanceRow> instances = await QueryAsync(
            connection,
            "SELECT instance_id, execution_id, status, locked_by FROM instances WHERE hub = $hub",
            hubName,
            r => new InstanceRow(r.GetString(0), r.GetString(1), ((OrchestrationStatus)r.GetInt32(2)).ToString(), r.IsDBNull(3) ? null : r.GetString(3)));
        List<InboxRow> inbox = await QueryAsync(
            connection,
            "SELECT instance_id, execution_id, payload FROM inbox WHERE hub = $hub",
            hubName,
            r => new InboxRow(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), ((EventType)(int)JObject.Parse(r.GetString(2))["EventType"]!).ToString()));
        List<TaskRow> tasks = await QueryAsync(
            connection,
            "SELECT instance_id, execution_id, locked_by FROM tasks WHERE hub = $hub",
            hubName,
            r => new TaskRow(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
        return new StoreSnapshot(instances, inbox, tasks);
    }

    public async Task<Dictionary<string, List<EventType>>> ReadHistoriesAsync(string appFolder, string hubName)
    {
        await using SqliteConnection connection = new(new SqliteConnectionStringBuilder { DataSource = Path.Combine(appFolder, FileName), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        List<(string Id, EventType Type)> rows = await QueryAsync(
            connection,
            "SELECT instance_id, event_type FROM history WHERE hub = $hub ORDER BY instance_id, sequence",
            hubName,
            r => (r.GetString(0), (EventType)r.GetInt32(1)));
        return rows.GroupBy(r => r.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(r => r.Type).ToList(), StringComparer.Ordinal);
    }

    /// <summary>A connection to the store's file, for a test to lock it (another process, to SQLite).</summary>
    public static SqliteConnection Connect(string appFolder) =>
        new(new SqliteConnectionStringBuilder { DataSource = Path.Combine(appFolder, FileName), Pooling = false }.ToString());

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static async Task<List<T>> QueryAsync<T>(SqliteConnection connection, string sql, string hubName, Func<SqliteDataReader, T> read)
    {
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$hub", hubName);
        await using SqliteDataReader reader = await command.ExecuteReaderAsync();
        List<T> rows = [];
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
