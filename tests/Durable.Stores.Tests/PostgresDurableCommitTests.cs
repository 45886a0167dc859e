using Durable.Postgres;
using Durable.Testing;

namespace Durable.Stores.Tests;

/// <summary>
/// Commits are durable whatever the server's default: the test server runs with <c>synchronous_commit = off</c> (one of
/// its speed settings, kept on purpose here), and every write transaction of the store still runs with it on.
/// </summary>
[Collection(PostgresCollection.Name)]
[PostgresRequired]
public sealed class PostgresDurableCommitTests : PostgresStoreFixture
{
    public PostgresDurableCommitTests(PostgresClusterFixture cluster)
        : base(cluster)
    {
    }

    [Fact]
    public async Task WriteTransaction_ServerDefaultSynchronousCommitOff_RunsWithItOn()
    {
        // Arrange
        await using PostgresDatabase database = PostgresDatabase.Open(new PostgresStoreOptions { ConnectionString = this.Cluster.ConnectionString });

        // Act
        object? inWrite = await database.WriteAsync(s => s.ScalarAsync("SHOW synchronous_commit", this.Token), this.Token);
        object? outside = await database.ReadAsync(s => s.ScalarAsync("SHOW synchronous_commit", this.Token), this.Token);

        // Assert: the server's default is off (so the test can fail), the store's writes are not.
        Assert.Equal("off", outside);
        Assert.Equal("on", inWrite);
    }
}
