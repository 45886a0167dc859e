using Durable.Core.Storage;
using Durable.Sqlite;

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

    protected override IOrchestrationStore CreateStore(TimeProvider time, string hubName) =>
        new SqliteOrchestrationStore(new SqliteStoreOptions { DatabasePath = this.databasePath, HubName = hubName }, time);
}
