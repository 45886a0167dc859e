namespace Durable.Sqlite;

/// <summary>Settings of the embedded SQLite store.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>Path of the database file; created with its folder when missing.</summary>
    public string DatabasePath { get; set; } = Path.Combine("data", "durable.db");

    /// <summary>Task hub: instances of different hubs in one file never see each other.</summary>
    public string HubName { get; set; } = "TestHubName";

    /// <summary>
    /// When true (default), every commit is flushed to disk before it is acknowledged (synchronous=FULL), so
    /// acknowledged work survives kill -9 and power loss. False uses synchronous=NORMAL: faster, and still
    /// safe against a process crash in WAL mode, but the last commits may be lost on power failure.
    /// </summary>
    public bool Durable { get; set; } = true;

    /// <summary>How long a transaction may wait for another process's write lock before the store reports itself unavailable.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
