using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Durable.Core.Storage;

namespace Durable.Sqlite;

/// <summary>
/// The connections of one store: the single writer (<see cref="SqliteWriter"/>: one long-lived connection, group
/// commit) and a small pool of read connections for what needs no transaction (status polls, listings, history,
/// the next wake-up). In WAL mode readers see the last committed state without waiting for, or delaying, the writer.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private const int ReadConnections = 4;

    // SQLite's own busy wait per attempt; BusyRetry retries attempts on top of it until the budget is spent.
    private static readonly TimeSpan NativeBusyWait = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim readGate = new(ReadConnections, ReadConnections);
    private readonly ConcurrentBag<SqliteSession> idleReaders = [];
    private readonly SqliteWriter writer;
    private readonly BusyRetry retry;
    private readonly string connectionString;
    private readonly TimeSpan busyBudget;
    private volatile bool disposed;

    private SqliteDatabase(string path, string connectionString, SqliteSession writeSession, SqliteStoreOptions options, Action<StoreFailedException> onFailure)
    {
        this.Path = path;
        this.connectionString = connectionString;
        this.busyBudget = options.BusyTimeout;
        this.retry = new BusyRetry(options.BusyTimeout, path);
        Action<FileStream> sync = options.WalSyncForTests ?? (wal => wal.Flush(flushToDisk: true));
        this.writer = new SqliteWriter(writeSession, this.retry, path, options.Durable ? new WalFlusher(path, sync, onFailure) : null);
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating if needed) the file and its write connection in WAL mode.</summary>
    /// <param name="options">The store's settings.</param>
    /// <param name="onFailure">Called once if a failed WAL sync stops the store (see <see cref="WalFlusher"/>).</param>
    public static SqliteDatabase Open(SqliteStoreOptions options, Action<StoreFailedException> onFailure)
    {
        string path = System.IO.Path.GetFullPath(options.DatabasePath);
        string connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,

            // Microsoft.Data.Sqlite sleeps 150 ms between its own busy retries until this many seconds have
            // passed; one second (the minimum) lets SQLite's native wait do that job instead.
            DefaultTimeout = 1,
        }.ToString();
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            SqliteSession session = OpenSession(connectionString, options.BusyTimeout);
            try
            {
                string? mode = session.Scalar("PRAGMA journal_mode=WAL") as string;
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw SqliteErrors.Unavailable(path, $"its file system does not support write-ahead logging (journal_mode stayed '{mode}')", null);
                }

                // NORMAL: COMMIT hands the WAL frames to the OS (safe against kill -9). When durable, WalFlusher then
                // fsyncs the WAL before the write is acknowledged, so it survives power loss as with FULL, while the
                // write loop goes on (pipelined group commit). The setting is per connection; only this one writes.
                session.Execute("PRAGMA synchronous=NORMAL");

                // The writer touches random pages of large indexes (instance ids are random); SQLite's default 2 MB
                // cache made each commit re-read them through the OS once the file grew past a few hundred MB.
                session.Execute("PRAGMA cache_size=-32768");
                if (options.MaxPageCountForTests is { } maxPages)
                {
                    // Per connection, and only this one writes: every write of the store meets the cap.
                    session.Scalar($"PRAGMA max_page_count={maxPages}");
                }

                return new SqliteDatabase(path, connectionString, session, options, onFailure);
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }
        catch (SqliteException ex) when (SqliteErrors.ToUnavailable(ex, path) is { } unavailable)
        {
            throw unavailable;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw SqliteErrors.Unavailable(path, ex.Message, ex);
        }
    }

    /// <summary>Runs <paramref name="work"/> as one all-or-nothing write; completes once it is durable.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken) =>
        this.writer.WriteAsync(work, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> as one all-or-nothing write that acknowledges nothing (a lease taken, renewed or
    /// handed back): served ahead of queued durable writes and complete at COMMIT (see <see cref="SqliteWriter"/>).
    /// </summary>
    public Task<T> LeaseWriteAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken) =>
        this.writer.WriteAsync(work, cancellationToken, lease: true);

    /// <summary>Runs <paramref name="work"/> (single-statement reads) on a pooled read connection.</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken)
    {
        // A stopped store shows nothing either: readers would see commits that may never have reached the disk.
        if (this.writer.Failure is { } failed)
        {
            throw failed;
        }

        await this.readGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteSession? session = null;
        try
        {
            ObjectDisposedException.ThrowIf(this.disposed, this);
            if (!this.idleReaders.TryTake(out session))
            {
                session = await this.retry.RunAsync(this.OpenReader, cancellationToken).ConfigureAwait(false);
            }

            SqliteSession current = session;
            return await this.retry.RunAsync(() => work(current), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (session is not null)
            {
                this.idleReaders.Add(session);
            }

            this.readGate.Release();
        }
    }

    /// <summary>Lets running and queued work finish, then closes every connection. Later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (this.disposed)
        {
            return;
        }

        this.disposed = true;
        await this.writer.DisposeAsync().ConfigureAwait(false);

        // Holding every read slot means no read is running on a connection closed here.
        for (int i = 0; i < ReadConnections; i++)
        {
            await this.readGate.WaitAsync().ConfigureAwait(false);
        }

        while (this.idleReaders.TryTake(out SqliteSession? reader))
        {
            reader.Dispose();
        }

        this.readGate.Release(ReadConnections);
    }

    private static SqliteSession OpenSession(string connectionString, TimeSpan busyBudget)
    {
        SqliteConnection connection = new(connectionString);
        try
        {
            connection.Open();
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        SqliteSession session = new(connection);
        long nativeWait = (long)Math.Min(NativeBusyWait.TotalMilliseconds, busyBudget.TotalMilliseconds);
        session.Execute($"PRAGMA busy_timeout={nativeWait}");

        // Statement journals (each group-commit caller runs in its own savepoint) and sorts stay in memory: as files
        // they cost an open, writes and an unlink per statement.
        session.Execute("PRAGMA temp_store=MEMORY");
        return session;
    }

    private SqliteSession OpenReader()
    {
        SqliteSession reader = OpenSession(this.connectionString, this.busyBudget);

        // A read connection never writes, whatever a future caller hands it.
        reader.Execute("PRAGMA query_only=1");
        return reader;
    }
}
