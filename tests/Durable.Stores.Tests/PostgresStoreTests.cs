using Durable.Core.Storage;
using Durable.Postgres;
using Durable.Testing;

namespace Durable.Stores.Tests;

/// <summary>
/// The contract on <see cref="PostgresOrchestrationStore"/>: one schema per test in the throwaway server's database,
/// shared by every store object the test opens (other hubs, reopened stores, a second "host").
/// </summary>
[Collection(PostgresCollection.Name)]
[PostgresRequired]
public sealed class PostgresStoreTests : StoreContractTests
{
    private readonly PostgresClusterFixture cluster;
    private readonly string schema = $"contract_{Guid.NewGuid():N}";

    public PostgresStoreTests(PostgresClusterFixture cluster)
    {
        this.cluster = cluster;
    }

    // Its claim does not look: see PostgresOrchestrationStore.LeaseOrchestrationAsync.
    protected override bool LooksForMoreOrchestrationWork => false;

    protected override IOrchestrationStore CreateStore(TimeProvider time, string hubName) =>
        new PostgresOrchestrationStore(
            new PostgresStoreOptions { ConnectionString = this.cluster.ConnectionString, HubName = hubName, SchemaName = this.schema },
            time);
}
