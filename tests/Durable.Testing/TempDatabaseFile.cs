namespace Durable.Testing;

/// <summary>A fresh SQLite file path in the temp folder, deleted with its WAL and shared-memory files on dispose.</summary>
public sealed class TempDatabaseFile : IDisposable
{
    /// <summary>Reserves a path named after <paramref name="purpose"/>; the file is created by whoever opens it.</summary>
    public TempDatabaseFile(string purpose = "durable")
    {
        this.Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{purpose}-{Guid.NewGuid():N}.db");
    }

    /// <summary>The database file path.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (string file in new[] { this.Path, this.Path + "-wal", this.Path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
