namespace Durable.Testing;

/// <summary>
/// xunit fixture around <see cref="PostgresCluster"/>: one throwaway server per test collection, with one database
/// for it. Tests isolate themselves inside it (a schema or hub of their own, or <see cref="CreateDatabaseAsync"/>).
/// </summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    private PostgresCluster? cluster;

    /// <summary>The running server; throws with the reason when it could not be started.</summary>
    public PostgresCluster Cluster => this.cluster ?? throw new InvalidOperationException(PostgresCluster.SkipReason ?? "The PostgreSQL test cluster is not running.");

    /// <summary>The connection string of the fixture's database (<c>durable_tests</c>).</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>Creates another fresh database on the server and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string name) => this.Cluster.CreateDatabaseAsync(name);

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        // No binaries: the tests are skipped at discovery (PostgresFact / the Postgres test framework), nothing to start.
        if (PostgresCluster.SkipReason is not null)
        {
            return;
        }

        this.cluster = await PostgresCluster.StartAsync();
        this.ConnectionString = await this.cluster.CreateDatabaseAsync("durable_tests");
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (this.cluster is not null)
        {
            await this.cluster.DisposeAsync();
        }
    }
}
