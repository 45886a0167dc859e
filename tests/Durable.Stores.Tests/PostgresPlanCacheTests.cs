using Durable.Postgres;
using Durable.Testing;

namespace Durable.Stores.Tests;

/// <summary>
/// The store's sessions use generic plans (no re-planning of its prepared statements for their values); the queries
/// whose best plan depends on the values ask for custom plans for their own transaction only.
/// </summary>
[Collection(PostgresCollection.Name)]
[PostgresRequired]
public sealed class PostgresPlanCacheTests : PostgresStoreFixture
{
    public PostgresPlanCacheTests(PostgresClusterFixture cluster)
        : base(cluster)
    {
    }

    [Fact]
    public async Task Session_GenericPlans_CustomOnlyWhereAskedAndNotLeftOnThePooledConnection()
    {
        // Arrange: one pooled connection, so the last read runs where the custom-plan one did.
        await using PostgresDatabase database = OpenDatabase(this.Cluster.ConnectionString + ";Maximum Pool Size=1");

        // Act
        object? plain = await database.ReadAsync(s => s.ScalarAsync("SHOW plan_cache_mode", this.Token), this.Token);
        object? asked = await database.ReadAsync(
            s =>
            {
                s.UseCustomPlans();
                return s.ScalarAsync("SHOW plan_cache_mode", this.Token);
            },
            this.Token);
        object? askedInWrite = await database.WriteAsync(
            s =>
            {
                s.UseCustomPlans();
                return s.ScalarAsync("SHOW plan_cache_mode", this.Token);
            },
            this.Token);
        object? after = await database.ReadAsync(s => s.ScalarAsync("SHOW plan_cache_mode", this.Token), this.Token);

        // Assert
        Assert.Equal("force_generic_plan", plain);
        Assert.Equal("force_custom_plan", asked);
        Assert.Equal("force_custom_plan", askedInWrite);
        Assert.Equal("force_generic_plan", after);
    }
}
