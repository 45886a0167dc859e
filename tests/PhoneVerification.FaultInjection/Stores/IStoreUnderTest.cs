namespace PhoneVerification.FaultInjection.Stores;

/// <summary>
/// The store a fault-injection run puts under the host: the settings that point the host at a fresh one, and a way to
/// read its raw state after the host has stopped (for the consistency checks). One implementation per backend; a
/// PostgreSQL one only adds a class beside <see cref="SqliteStoreUnderTest"/> and a test class using it.
/// </summary>
internal interface IStoreUnderTest : IAsyncDisposable
{
    /// <summary>Shown in the report.</summary>
    string Name { get; }

    /// <summary>Environment variables for the host (host.json overrides such as the storage provider).</summary>
    IReadOnlyDictionary<string, string?> HostSettings(string appFolder, string hubName);

    /// <summary>The hub's rows, read directly from the store while no host runs.</summary>
    Task<StoreSnapshot> ReadAsync(string appFolder, string hubName);

    /// <summary>Every instance's history as event types in order, read directly from the store.</summary>
    Task<Dictionary<string, List<Durable.Core.History.EventType>>> ReadHistoriesAsync(string appFolder, string hubName);
}
