using Durable.Postgres;
using Npgsql;

namespace Durable.Stores.Tests;

/// <summary>How many connections one host may hold: bounded by default, the connection string's own value when it has one.</summary>
public sealed class PostgresPoolSizeTests
{
    [Theory]
    [InlineData("Host=127.0.0.1;Database=durable;Username=durable", PostgresDatabase.DefaultMaxPoolSize)]
    [InlineData("Host=127.0.0.1;Database=durable;Username=durable;Maximum Pool Size=100", 100)]
    [InlineData("Host=127.0.0.1;Database=durable;Username=durable;maxpoolsize=7", 7)]
    public async Task Open_PoolSize_DefaultUnlessTheConnectionStringSetsIt(string connectionString, int expected)
    {
        // Opening builds the pool without connecting, so no server is needed.
        await using PostgresDatabase database = PostgresDatabase.Open(new PostgresStoreOptions { ConnectionString = connectionString });

        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(database.Source.ConnectionString).MaxPoolSize);
    }
}
