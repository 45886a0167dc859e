using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;
using Durable.Postgres;
using Durable.Testing;
using Npgsql;

namespace Durable.Stores.Tests;

/// <summary>
/// Shared set-up of the PostgreSQL-specific tests: a schema of their own in the throwaway server's database, a fake
/// clock, and store objects (each one stands for a host) that are disposed with the test.
/// </summary>
public abstract class PostgresStoreFixture : IAsyncLifetime
{
    protected static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);

    private readonly List<PostgresOrchestrationStore> opened = [];
    private readonly CancellationTokenSource timeout = new(TimeSpan.FromSeconds(60));

    protected PostgresStoreFixture(PostgresClusterFixture cluster)
    {
        this.Cluster = cluster;
    }

    protected PostgresClusterFixture Cluster { get; }

    protected string Schema { get; } = $"pgtests_{Guid.NewGuid():N}";

    protected FakeTimeProvider Time { get; } = new();

    protected CancellationToken Token => this.timeout.Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (PostgresOrchestrationStore store in this.opened)
        {
            await store.DisposeAsync();
        }

        this.timeout.Dispose();
    }

    /// <summary>The store's pool and retry policy on a server, for tests of its session settings.</summary>
    private protected static PostgresDatabase OpenDatabase(string connectionString) =>
        PostgresDatabase.Open(new PostgresStoreOptions { ConnectionString = connectionString });

    /// <summary>Opens (and initializes) a store on this test's schema: a second call stands for a second host.</summary>
    protected async Task<PostgresOrchestrationStore> OpenAsync(string hub = "TestHubName", string? connectionString = null)
    {
        PostgresOrchestrationStore store = new(
            new PostgresStoreOptions { ConnectionString = connectionString ?? this.Cluster.ConnectionString, HubName = hub, SchemaName = this.Schema },
            this.Time);
        this.opened.Add(store);
        await store.InitializeAsync(this.Token);
        return store;
    }

    protected NewInstance NewInstance(string instanceId)
    {
        string executionId = Guid.NewGuid().ToString("N");
        HistoryEvent start = new() { EventType = EventType.ExecutionStarted, Timestamp = this.Time.GetUtcNow(), Name = "E4_SmsPhoneVerification", Input = "\"+15550100\"", ExecutionId = executionId };
        return new NewInstance(instanceId, executionId, "E4_SmsPhoneVerification", "\"+15550100\"", this.Time.GetUtcNow(), start);
    }

    protected async Task CreateAsync(IOrchestrationStore store, params string[] instanceIds)
    {
        foreach (string id in instanceIds)
        {
            Assert.Equal(CreateInstanceResult.Created, await store.CreateInstanceAsync(this.NewInstance(id), this.Token));
        }
    }

    /// <summary>A running episode's commit: consumes the messages, optionally schedules one activity.</summary>
    protected OrchestrationCommit Episode(OrchestrationWorkItem item, bool scheduleActivity = false) => new()
    {
        ExecutionId = item.Instance.ExecutionId,
        NewHistory = [new HistoryEvent { EventType = EventType.OrchestratorStarted, Timestamp = this.Time.GetUtcNow() }, .. item.Messages.Select(m => m.Event)],
        Status = OrchestrationStatus.Running,
        Input = item.Instance.Input,
        UpdatedTime = this.Time.GetUtcNow(),
        ConsumedMessages = [.. item.Messages.Select(m => m.SequenceNumber)],
        ActivityTasks = scheduleActivity ? [new NewActivityTask(item.Instance.InstanceId, item.Instance.ExecutionId, "E4_SendSmsChallenge", 0, "\"+15550100\"")] : [],
    };

    /// <summary>
    /// The server's connection string without pooling: the tests' own connections are never left in a pool that a test
    /// terminating every backend of the database would leave broken for the next one.
    /// </summary>
    protected string UnpooledConnectionString => new NpgsqlConnectionStringBuilder(this.Cluster.ConnectionString) { Pooling = false }.ConnectionString;

    /// <summary>Runs <paramref name="sql"/> on a connection of its own.</summary>
    protected async Task ExecuteAsync(string sql)
    {
        await using NpgsqlConnection connection = new(this.UnpooledConnectionString);
        await connection.OpenAsync(this.Token);
        await using NpgsqlCommand command = new(sql, connection);
        await command.ExecuteNonQueryAsync(this.Token);
    }

    /// <summary>The rows of <paramref name="sql"/>, read on a connection of its own.</summary>
    protected async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        await using NpgsqlConnection connection = new(this.UnpooledConnectionString);
        await connection.OpenAsync(this.Token);
        await using NpgsqlCommand command = new(sql, connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(this.Token);
        List<T> rows = [];
        while (await reader.ReadAsync(this.Token))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
