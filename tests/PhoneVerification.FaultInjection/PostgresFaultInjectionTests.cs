using Durable.Testing;
using PhoneVerification.FaultInjection.Stores;
using Xunit.Abstractions;

// The fault-injection fact is inherited: without PostgreSQL server binaries this framework reports it skipped.
[assembly: TestFramework("Durable.Testing.PostgresTestFramework", "Durable.Testing")]

namespace PhoneVerification.FaultInjection;

/// <summary>The fault-injection run on the PostgreSQL store (a throwaway server started for this class).</summary>
[PostgresRequired]
public sealed class PostgresFaultInjectionTests : FaultInjectionTests, IClassFixture<PostgresClusterFixture>
{
    private readonly PostgresClusterFixture cluster;

    public PostgresFaultInjectionTests(PostgresClusterFixture cluster, ITestOutputHelper output)
        : base(output)
    {
        this.cluster = cluster;
    }

    internal override IStoreUnderTest CreateStore() => new PostgresStoreUnderTest(this.cluster);
}
