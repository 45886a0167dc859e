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
        await using PostgresDatabase database = OpenDatabase(this.Cluster.ConnectionString);

        // Act
        object? inWrite = await database.WriteAsync(s => s.ScalarAsync("SHOW synchronous_commit", this.Token), this.Token);
        object? outside = await database.ReadAsync(s => s.ScalarAsync("SHOW synchronous_commit", this.Token), this.Token);

        // Assert: the server's default is off (so the test can fail), the store's writes are not.
        Assert.Equal("off", outside);
        Assert.Equal("on", inWrite);
    }

    [Fact]
    public async Task WriteInOneRoundTrip_ServerDefaultSynchronousCommitOff_RunsWithItOn()
    {
        // Arrange
        await using PostgresDatabase database = OpenDatabase(this.Cluster.ConnectionString);

        // Act
        object? inWrite = await database.WriteInOneRoundTripAsync(s => s.ScalarAsync("SHOW synchronous_commit", this.Token), this.Token);
        object? outside = await database.ReadAsync(s => s.ScalarAsync("SHOW synchronous_commit", this.Token), this.Token);

        // Assert
        Assert.Equal("off", outside);
        Assert.Equal("on", inWrite);
    }

    [Fact]
    public async Task WriteInOneRoundTrip_TransactionLocalSettings_NoWarningInTheServerLog()
    {
        // Arrange: a batch without BEGIN is not a transaction block to PostgreSQL, where SET LOCAL logs a WARNING per call.
        await using PostgresDatabase database = OpenDatabase(this.Cluster.ConnectionString);

        // Act: a durable one-round-trip write, and a read asking for custom plans, both with transaction-local settings.
        object? inWrite = await database.WriteInOneRoundTripAsync(s => s.ScalarAsync("SHOW synchronous_commit", this.Token), this.Token);
        object? inRead = await database.ReadAsync(
            s =>
            {
                s.UseCustomPlans();
                return s.ScalarAsync("SHOW plan_cache_mode", this.Token);
            },
            this.Token);

        // Assert: both settings applied, and the server logged no warning about them (from this test or any before it).
        Assert.Equal(("on", "force_custom_plan"), (inWrite, inRead));
        string log = await ReadSharedAsync(this.Cluster.Cluster.LogFile);
        Assert.DoesNotContain("SET LOCAL can only be used in transaction blocks", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteInOneRoundTrip_DatabaseDefaultRepeatableRead_RunsReadCommitted()
    {
        // Arrange: a batch's implicit transaction takes the session's default isolation, and the store's statements
        // count on READ COMMITTED (a raised event's count sees the event committed while it waited for the lock).
        string connectionString = await this.Cluster.CreateDatabaseAsync("isolation_" + Guid.NewGuid().ToString("N"));
        await using (PostgresDatabase admin = OpenDatabase(connectionString))
        {
            await admin.ReadAsync(s => s.ExecuteAsync("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET default_transaction_isolation = ''repeatable read''', current_database()); END $$", this.Token), this.Token);
        }

        await using PostgresDatabase database = OpenDatabase(connectionString);

        // Act
        object? inWrite = await database.WriteInOneRoundTripAsync(s => s.ScalarAsync("SHOW transaction_isolation", this.Token), this.Token);
        object? inClaim = await database.ClaimAsync(s => s.ScalarAsync("SHOW transaction_isolation", this.Token), this.Token);

        // Assert
        Assert.Equal("read committed", inWrite);
        Assert.Equal("read committed", inClaim);
    }

    [Fact]
    public async Task WriteInOneRoundTrip_LaterStatementFails_EarlierOnesRolledBack()
    {
        // Arrange: the batch is the transaction, so a failing statement must undo the ones before it.
        await using PostgresDatabase database = OpenDatabase(this.Cluster.ConnectionString);
        string table = "one_round_trip_" + Guid.NewGuid().ToString("N");
        await database.WriteAsync(s => s.ExecuteAsync($"CREATE TABLE {table} (x integer)", this.Token), this.Token);

        // Act
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => database.WriteInOneRoundTripAsync(
            async s =>
            {
                await s.ExecuteBatchAsync([new($"INSERT INTO {table} VALUES (1)"), new("SELECT 1 / 0")], this.Token);
                return 0;
            },
            this.Token));

        // Assert
        Assert.Equal(0L, await database.ReadAsync(s => s.ScalarAsync($"SELECT count(*) FROM {table}", this.Token), this.Token));
    }

    [Fact]
    public async Task WriteInOneRoundTrip_SecondRoundTrip_RefusedBeforeItIsSent()
    {
        // Arrange
        await using PostgresDatabase database = OpenDatabase(this.Cluster.ConnectionString);

        // Act + Assert: a second batch would be a transaction of its own.
        await Assert.ThrowsAsync<InvalidOperationException>(() => database.WriteInOneRoundTripAsync(
            async s =>
            {
                await s.ExecuteAsync("SELECT 1", this.Token);
                return await s.ExecuteAsync("SELECT 2", this.Token);
            },
            this.Token));
    }

    /// <summary>Reads a file the server is still appending to.</summary>
    private static async Task<string> ReadSharedAsync(string path)
    {
        await using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using StreamReader reader = new(stream);
        return await reader.ReadToEndAsync();
    }
}
