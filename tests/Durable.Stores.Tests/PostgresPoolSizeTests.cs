using Durable.Postgres;
using Npgsql;

namespace Durable.Stores.Tests;

/// <summary>
/// How a host's pool is shaped: how many connections it may hold (bounded by default) and whether commands share them
/// (multiplexed by default); the connection string's own values win.
/// </summary>
public sealed class PostgresPoolSizeTests
{
    [Theory]
    [InlineData("Host=127.0.0.1;Database=durable;Username=durable", 16)]
    [InlineData("Host=127.0.0.1;Database=durable;Username=durable;Multiplexing=false", 30)]
    [InlineData("Host=127.0.0.1;Database=durable;Username=durable;Maximum Pool Size=100", 100)]
    [InlineData("Host=127.0.0.1;Database=durable;Username=durable;maxpoolsize=7", 7)]
    public async Task Open_PoolSize_DefaultUnlessTheConnectionStringSetsIt(string connectionString, int expected)
    {
        // Opening builds the pool without connecting, so no server is needed.
        await using PostgresDatabase database = PostgresDatabase.Open(new PostgresStoreOptions { ConnectionString = connectionString });

        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(database.Source.ConnectionString).MaxPoolSize);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Database=durable;Username=durable", true)]
    [InlineData("Host=127.0.0.1;Database=durable;Username=durable;Multiplexing=false", false)]
    [InlineData("Host=127.0.0.1;Database=durable;Username=durable;multiplexing=False", false)]
    [InlineData("Host=127.0.0.1;Database=durable;Username=durable;Pooling=false", false)]
    public async Task Open_Multiplexing_OnUnlessTheConnectionStringSaysOtherwise(string connectionString, bool expected)
    {
        // Opening builds the pools without connecting, so no server is needed.
        await using PostgresDatabase database = PostgresDatabase.Open(new PostgresStoreOptions { ConnectionString = connectionString });

        // The LISTEN connection is never multiplexed: it is unpooled, and holds its session.
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(database.Source.ConnectionString).Multiplexing);
        Assert.False(new NpgsqlConnectionStringBuilder(database.ListenSource.ConnectionString).Multiplexing);
    }
}
