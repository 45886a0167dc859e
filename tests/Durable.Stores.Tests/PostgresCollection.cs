using Durable.Testing;

// Inherited contract facts cannot be marked [PostgresFact]: this framework skips [PostgresRequired] classes instead.
[assembly: TestFramework("Durable.Testing.PostgresTestFramework", "Durable.Testing")]

namespace Durable.Stores.Tests;

/// <summary>The PostgreSQL test classes share one throwaway server (started once, deleted at the end).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresClusterFixture>
{
    public const string Name = "PostgreSQL";
}
