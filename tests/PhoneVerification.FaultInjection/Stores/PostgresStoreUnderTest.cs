using Durable.Core;
using Durable.Core.History;
using Durable.Testing;
using Newtonsoft.Json.Linq;
using Npgsql;

namespace PhoneVerification.FaultInjection.Stores;

/// <summary>
/// The multi-host store: a fresh database on the throwaway PostgreSQL server of the test class, named to the host by
/// <c>connectionStringName</c> as users do, and read back with Npgsql (schema <c>durable</c>, the store's default).
/// </summary>
internal sealed class PostgresStoreUnderTest : IStoreUnderTest
{
    private const string ConnectionSetting = "FaultInjectionPostgres";
    private readonly PostgresClusterFixture cluster;
    private readonly string database = $"fault_{Guid.NewGuid():N}";
    private string? connectionString;

    public PostgresStoreUnderTest(PostgresClusterFixture cluster)
    {
        this.cluster = cluster;
    }

    public string Name => "PostgreSQL";

    public IReadOnlyDictionary<string, string?> HostSettings(string appFolder, string hubName)
    {
        // Created on first use (the interface is synchronous); every restart of the host gets the same database.
        this.connectionString ??= this.cluster.CreateDatabaseAsync(this.database).GetAwaiter().GetResult();
        return new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost__extensions__durableTask__hubName"] = hubName,
            ["AzureFunctionsJobHost__extensions__durableTask__storageProvider__type"] = "postgres",
            ["AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName"] = ConnectionSetting,
            [ConnectionSetting] = this.connectionString,
        };
    }

    public async Task<StoreSnapshot> ReadAsync(string appFolder, string hubName)
    {
        await using NpgsqlConnection connection = new(this.connectionString ?? throw new InvalidOperationException("No host ran on this store."));
        await connection.OpenAsync();
        List<InstanceRow> instances = await QueryAsync(
            connection,
            "SELECT instance_id, execution_id, status, locked_by FROM durable.instances WHERE hub = @hub",
            hubName,
            r => new InstanceRow(r.GetString(0), r.GetString(1), ((OrchestrationStatus)r.GetInt32(2)).ToString(), r.IsDBNull(3) ? null : r.GetString(3)));
        List<InboxRow> inbox = await QueryAsync(
            connection,
            "SELECT instance_id, execution_id, payload FROM durable.inbox WHERE hub = @hub",
            hubName,
            r => new InboxRow(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), ((EventType)(int)JObject.Parse(r.GetString(2))["EventType"]!).ToString()));
        List<TaskRow> tasks = await QueryAsync(
            connection,
            "SELECT instance_id, execution_id, locked_by FROM durable.tasks WHERE hub = @hub",
            hubName,
            r => new TaskRow(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
        return new StoreSnapshot(instances, inbox, tasks);
    }

    public async Task<Dictionary<string, List<EventType>>> ReadHistoriesAsync(string appFolder, string hubName)
    {
        await using NpgsqlConnection connection = new(this.connectionString ?? throw new InvalidOperationException("No host ran on this store."));
        await connection.OpenAsync();
        List<(string Id, EventType Type)> rows = await QueryAsync(
            connection,
            "SELECT instance_id, event_type FROM durable.history WHERE hub = @hub ORDER BY instance_id, sequence",
            hubName,
            r => (r.GetString(0), (EventType)r.GetInt32(1)));
        return rows.GroupBy(r => r.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(r => r.Type).ToList(), StringComparer.Ordinal);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static async Task<List<T>> QueryAsync<T>(NpgsqlConnection connection, string sql, string hubName, Func<NpgsqlDataReader, T> read)
    {
        await using NpgsqlCommand command = new(sql, connection);
        command.Parameters.AddWithValue("hub", hubName);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        List<T> rows = [];
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
