namespace Durable.Sqlite;

/// <summary>Settings of the embedded SQLite store.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>Path of the database file; created with its folder when missing. Must be on a local disk (WAL needs shared memory).</summary>
    public string DatabasePath { get; set; } = Path.Combine("data", "durable.db");

    /// <summary>Task hub: instances of different hubs in one file never see each other.</summary>
    public string HubName { get; set; } = "TestHubName";

    /// <summary>
    /// When true (default), every commit is flushed to disk before it is acknowledged (synchronous=FULL), so
    /// acknowledged work survives kill -9 and power loss. False uses synchronous=NORMAL: faster, and still
    /// safe against a process crash in WAL mode, but the last commits may be lost on power failure.
    /// </summary>
    public bool Durable { get; set; } = true;

    /// <summary>
    /// The busy budget: how long one call may keep retrying while another process holds the file's write
    /// lock before the store reports itself unavailable (<see cref="Durable.Core.Storage.StoreUnavailableException"/>).
    /// At least 100 ms; default 10 s.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Tests only: caps the file at this many pages (SQLite's <c>max_page_count</c>, set on the write connection when it
    /// opens; SQLite never lowers it below the file's current size). A write that needs more pages then fails with
    /// SQLITE_FULL, the same error a full disk gives, so tests can provoke "disk full" without filling a disk.
    /// Null (the default) leaves SQLite's own limit.
    /// </summary>
    internal long? MaxPageCountForTests { get; set; }

    /// <summary>
    /// Tests only: replaces the WAL sync (<c>FileStream.Flush(true)</c>, i.e. fsync), so a test can make it fail with the
    /// <see cref="IOException"/> a failing disk gives. Null (the default) syncs for real.
    /// </summary>
    internal Action<FileStream>? WalSyncForTests { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(this.DatabasePath))
        {
            throw new ArgumentException("SqliteStoreOptions.DatabasePath must name a file.", nameof(this.DatabasePath));
        }

        if (this.DatabasePath.Trim() == ":memory:" || this.DatabasePath.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"SqliteStoreOptions.DatabasePath '{this.DatabasePath}' must be a plain file path: the store opens several connections to one file.",
                nameof(this.DatabasePath));
        }

        if (string.IsNullOrWhiteSpace(this.HubName))
        {
            throw new ArgumentException("SqliteStoreOptions.HubName must not be empty.", nameof(this.HubName));
        }

        if (this.BusyTimeout < TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentException($"SqliteStoreOptions.BusyTimeout must be at least 100 ms (was {this.BusyTimeout}).", nameof(this.BusyTimeout));
        }

        if (this.MaxPageCountForTests is <= 0)
        {
            throw new ArgumentException($"SqliteStoreOptions.MaxPageCountForTests must be positive (was {this.MaxPageCountForTests}).", nameof(this.MaxPageCountForTests));
        }
    }
}
