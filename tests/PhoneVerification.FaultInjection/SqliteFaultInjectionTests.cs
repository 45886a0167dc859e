using PhoneVerification.FaultInjection.Stores;
using Xunit.Abstractions;

namespace PhoneVerification.FaultInjection;

/// <summary>The fault-injection run on the embedded SQLite store.</summary>
public sealed class SqliteFaultInjectionTests : FaultInjectionTests
{
    public SqliteFaultInjectionTests(ITestOutputHelper output)
        : base(output)
    {
    }

    internal override IStoreUnderTest CreateStore() => new SqliteStoreUnderTest();
}
