using Durable.Core.History;
using Durable.Core.Storage;
using Durable.Sqlite;
using Durable.Testing;

namespace Durable.Stores.Tests;

/// <summary>
/// A failed fsync of the write-ahead log stops the store for good: the write it covered and every later call fail with
/// <see cref="StoreFailedException"/> (outcome unknown, not "nothing written"), even once syncing would work again, and
/// the store says it has failed. Reopened, it serves every write acknowledged before.
/// </summary>
public sealed class SqliteWalSyncFailureTests : IDisposable
{
    private readonly TempDatabaseFile database = new("durable-wal-sync");
    private readonly FakeTimeProvider time = new();
    private volatile bool failSync;

    [Fact]
    public async Task Sync_Fails_CallOutcomeUnknown_LaterCallsRefused_StoreFailed_ReopenedServesAcknowledged()
    {
        // Arrange: one acknowledged start; then the disk refuses one fsync.
        SqliteOrchestrationStore store = this.NewStore(sync: wal =>
        {
            if (this.failSync)
            {
                this.failSync = false;
                throw new IOException("Input/output error (injected)");
            }

            wal.Flush(flushToDisk: true);
        });
        await store.InitializeAsync(CancellationToken.None);
        Assert.Equal(CreateInstanceResult.Created, await store.CreateInstanceAsync(this.Instance("acknowledged"), CancellationToken.None));
        this.failSync = true;

        // Act: the next write's sync fails; the one after would sync fine.
        StoreFailedException during = await Assert.ThrowsAsync<StoreFailedException>(() => store.CreateInstanceAsync(this.Instance("unknown"), CancellationToken.None));
        StoreFailedException after = await Assert.ThrowsAsync<StoreFailedException>(() => store.CreateInstanceAsync(this.Instance("later"), CancellationToken.None));
        StoreFailedException read = await Assert.ThrowsAsync<StoreFailedException>(() => store.GetInstanceAsync("acknowledged", CancellationToken.None));
        StoreFailedException lease = await Assert.ThrowsAsync<StoreFailedException>(() => store.LeaseOrchestrationAsync("owner", TimeSpan.FromMinutes(1), 10, IOrchestrationStore.NoInstances, CancellationToken.None));
        // The readiness probe (/health/ready) reports the stopped store, too.
        StoreFailedException probe = await Assert.ThrowsAsync<StoreFailedException>(() => store.ProbeAsync(CancellationToken.None));
        Task<StoreFailedException> failed = store.Failed;

        // Assert
        Assert.Contains("outcome of this call is unknown", during.Message, StringComparison.Ordinal);
        Assert.Contains(this.database.Path, during.Message, StringComparison.Ordinal);
        Assert.Same(during, after);
        Assert.Same(during, read);
        Assert.Same(during, lease);
        Assert.Same(during, probe);
        Assert.True(failed.IsCompletedSuccessfully);
        Assert.Same(during, await failed);
        await store.DisposeAsync();
        await using SqliteOrchestrationStore reopened = this.NewStore(sync: null);
        await reopened.InitializeAsync(CancellationToken.None);
        Assert.NotNull(await reopened.GetInstanceAsync("acknowledged", CancellationToken.None));
        Assert.Null(await reopened.GetInstanceAsync("later", CancellationToken.None));
        Assert.False(reopened.Failed.IsCompleted);
    }

    public void Dispose() => this.database.Dispose();

    private SqliteOrchestrationStore NewStore(Action<FileStream>? sync) =>
        new(new SqliteStoreOptions { DatabasePath = this.database.Path, HubName = "SyncHub", WalSyncForTests = sync }, this.time);

    private NewInstance Instance(string id)
    {
        string executionId = Guid.NewGuid().ToString("N");
        HistoryEvent start = new() { EventType = EventType.ExecutionStarted, Timestamp = this.time.GetUtcNow(), Name = "E4_SmsPhoneVerification", Input = "\"+15550100\"", ExecutionId = executionId };
        return new NewInstance(id, executionId, "E4_SmsPhoneVerification", "\"+15550100\"", this.time.GetUtcNow(), start, null);
    }
}
