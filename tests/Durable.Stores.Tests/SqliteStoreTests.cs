using Durable.Core.Storage;
using Durable.Sqlite;
using Microsoft.Data.Sqlite;

namespace Durable.Stores.Tests;

/// <summary>
/// The contract on <see cref="SqliteOrchestrationStore"/>: one temporary database file per test, shared by
/// every store object the test opens (other hubs, reopened stores, a second "process").
/// </summary>
public sealed class SqliteStoreTests : StoreContractTests, IDisposable
{
    private readonly string databasePath = Path.Combine(Path.GetTempPath(), $"durable-store-tests-{Guid.NewGuid():N}.db");

    /// <summary>Runs after the stores are disposed (xunit disposes <see cref="IAsyncLifetime"/> first).</summary>
    public void Dispose()
    {
        foreach (string suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
        {
            File.Delete(this.databasePath + suffix);
        }
    }

    [Fact]
    public async Task Initialize_SecondCallOnTheSameStore_LeavesTheFileAlone()
    {
        // Arrange: the host checks the store before it listens and the engine's start opens it again. The version table
        // is dropped as a marker: an initialization would notice and migrate again.
        using (SqliteConnection other = new($"Data Source={this.databasePath};Pooling=False"))
        {
            other.Open();
            using SqliteCommand drop = other.CreateCommand();
            drop.CommandText = "DROP TABLE schema_version";
            drop.ExecuteNonQuery();
        }

        // Act
        await this.Store.InitializeAsync(this.Token);

        // Assert
        using SqliteConnection check = new($"Data Source={this.databasePath};Pooling=False");
        check.Open();
        using SqliteCommand count = check.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_version'";
        Assert.Equal(0L, (long)count.ExecuteScalar()!);
    }

    protected override IOrchestrationStore CreateStore(TimeProvider time, string hubName) =>
        new SqliteOrchestrationStore(new SqliteStoreOptions { DatabasePath = this.databasePath, HubName = hubName }, time);
}
