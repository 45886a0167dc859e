using PhoneVerification.LoadTest;

namespace PhoneVerification.LoadTest.Tests;

/// <summary>The PostgreSQL and multi-host options: what each selects, and the combinations refused with the reason.</summary>
public sealed class LoadTestOptionsTests
{
    [Fact]
    public void Parse_NoStoreOption_KeepsSqliteAndOneHost()
    {
        // Act
        LoadTestOptions o = LoadTestOptions.Parse(["--start-host"]);

        // Assert
        Assert.Equal(StoreKind.Sqlite, o.Store);
        Assert.Equal(1, o.Hosts);
        Assert.False(o.CrossHost);
        Assert.False(o.PgStatStatements);
        Assert.Null(o.PgConnection);
        Assert.Equal(TimeSpan.FromSeconds(3), o.ToolWarmupTime);
    }

    [Fact]
    public void Parse_ToolWarmupSecondsZero_TurnsTheToolsWarmupOff()
    {
        // Act
        LoadTestOptions o = LoadTestOptions.Parse(["--start-host", "--tool-warmup-seconds", "0"]);

        // Assert
        Assert.Equal(TimeSpan.Zero, o.ToolWarmupTime);
    }

    [Fact]
    public void Parse_StorePostgresWithHosts_SelectsAThrowawayServerAndThreeHosts()
    {
        // Act
        LoadTestOptions o = LoadTestOptions.Parse(["--start-host", "--store", "Postgres", "--hosts", "3", "--cross-host", "--pg-stat-statements"]);

        // Assert
        Assert.Equal(StoreKind.Postgres, o.Store);
        Assert.Equal(3, o.Hosts);
        Assert.True(o.CrossHost);
        Assert.True(o.PgStatStatements);
        Assert.Null(o.PgConnection);
    }

    [Theory]
    [InlineData("--start-host")]
    [InlineData("--base-url", "http://127.0.0.1:7071/")]
    public void Parse_PgConnection_ImpliesPostgres(params string[] target)
    {
        // Act
        LoadTestOptions o = LoadTestOptions.Parse([.. target, "--pg-connection", "Host=127.0.0.1;Username=postgres"]);

        // Assert
        Assert.Equal(StoreKind.Postgres, o.Store);
        Assert.Equal("Host=127.0.0.1;Username=postgres", o.PgConnection);
    }

    [Theory]
    [InlineData("--store must be sqlite or postgres", "--start-host", "--store", "mysql")]
    [InlineData("--pg-connection needs --store postgres", "--start-host", "--store", "sqlite", "--pg-connection", "Host=x")]
    [InlineData("does not go with --store postgres", "--start-host", "--store", "postgres", "--db", "/tmp/x.db")]
    [InlineData("--store postgres with --base-url needs --pg-connection", "--base-url", "http://127.0.0.1:7071/", "--store", "postgres")]
    [InlineData("--pg-stat-statements needs --store postgres", "--start-host", "--pg-stat-statements")]
    [InlineData("--hosts above 1 needs --start-host and --store postgres", "--start-host", "--hosts", "2")]
    [InlineData("--hosts above 1 needs --start-host and --store postgres", "--base-url", "http://127.0.0.1:7071/", "--pg-connection", "Host=x", "--hosts", "2")]
    [InlineData("leave out --hosts", "--start-host", "--store", "postgres", "--hosts", "2", "--flood-events", "5")]
    [InlineData("--hosts must be a whole number of at least 1", "--start-host", "--store", "postgres", "--hosts", "0")]
    public void Parse_ContradictoryStoreOptions_AreRefusedWithTheReason(string reason, params string[] args)
    {
        // Act
        ArgumentException refused = Assert.Throws<ArgumentException>(() => LoadTestOptions.Parse(args));

        // Assert
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }
}
