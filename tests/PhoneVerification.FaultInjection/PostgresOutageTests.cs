using Durable.Testing;
using PhoneVerification.FaultInjection.Stores;
using Xunit.Abstractions;

namespace PhoneVerification.FaultInjection;

/// <summary>The outage on PostgreSQL: the server is stopped, then started again.</summary>
[PostgresRequired]
public sealed class PostgresOutageTests : OutageLongerThanLeaseTests, IClassFixture<PostgresClusterFixture>
{
    private readonly PostgresClusterFixture cluster;

    public PostgresOutageTests(PostgresClusterFixture cluster, ITestOutputHelper output)
        : base(output)
    {
        this.cluster = cluster;
    }

    internal override IStoreUnderTest CreateStore() => new PostgresStoreUnderTest(this.cluster);

    protected override async Task<IAsyncDisposable> BeginOutageAsync()
    {
        await this.cluster.Cluster.StopServerAsync();
        return new Restart(this.cluster.Cluster);
    }

    /// <summary>Ends the outage: starts the server again.</summary>
    private sealed class Restart(PostgresCluster cluster) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await cluster.StartServerAsync();
    }
}
