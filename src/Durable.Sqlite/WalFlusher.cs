using Durable.Core.Storage;

namespace Durable.Sqlite;

/// <summary>
/// Makes committed writes durable by syncing the write-ahead log, one fsync for every write committed since the
/// last one, while the write loop goes on committing the next batches (pipelined group commit).
/// </summary>
/// <remarks>
/// The writer connection runs with <c>synchronous=NORMAL</c>: COMMIT writes the WAL frames to the OS and returns.
/// A durable write's caller is told "done" only after an fsync of the WAL that began after its COMMIT returned,
/// so an acknowledged write survives power loss exactly as with <c>synchronous=FULL</c>; what changes is that the
/// single writer no longer stands still during each fsync, and one fsync covers every batch committed meanwhile.
/// The WAL is append-only between checkpoints and recovery ignores frames after the last valid commit, so a power
/// loss can only drop writes nobody was told about. On Linux, fsync on any descriptor of the file flushes it.
/// <para>
/// A failed fsync stops the store for good (fail-stop): the commits it covered are already visible to readers, and the
/// kernel may have dropped their dirty pages and cleared the error, so a later fsync on the same handle could succeed
/// and acknowledge newer commits while the failed ones never reach the disk (PostgreSQL's "fsyncgate", 2018). So
/// nothing is acknowledged after the first failure: the writes it covered and every later one fail with
/// <see cref="StoreFailedException"/> (outcome unknown), and the host restarts on a fresh handle.
/// </para>
/// </remarks>
internal sealed class WalFlusher : IAsyncDisposable
{
    private readonly object gate = new();
    private readonly string walPath;
    private readonly string databasePath;
    private readonly Action<FileStream> sync;
    private readonly Action<StoreFailedException> onFailure;
    private List<PendingWrite> pending = [];
    private volatile StoreFailedException? failure;
    private FileStream? wal;
    private Task loop = Task.CompletedTask;
    private bool running;

    /// <param name="databasePath">The database file; its WAL is beside it.</param>
    /// <param name="sync">Syncs the WAL handle to disk (<c>Flush(true)</c>; tests inject a failure).</param>
    /// <param name="onFailure">Called once, on the first failed sync: the store has stopped.</param>
    public WalFlusher(string databasePath, Action<FileStream> sync, Action<StoreFailedException> onFailure)
    {
        this.databasePath = databasePath;
        this.walPath = databasePath + "-wal";
        this.sync = sync;
        this.onFailure = onFailure;
    }

    /// <summary>The failure that stopped the store, or null while it works.</summary>
    public StoreFailedException? Failure => this.failure;

    /// <summary>
    /// Syncs the WAL on the calling thread and acknowledges <paramref name="committed"/>: for a write loop with nothing
    /// else queued, where handing over to another thread would only add a wake-up to the caller's latency.
    /// </summary>
    public void SyncNow(List<PendingWrite> committed)
    {
        if (this.TrySync(out Exception? cause))
        {
            committed.ForEach(w => w.Succeed());
        }
        else
        {
            committed.ForEach(w => w.Fail(cause!));
        }
    }

    /// <summary>Acknowledges <paramref name="committed"/> after the next WAL sync.</summary>
    public void Enqueue(List<PendingWrite> committed)
    {
        lock (this.gate)
        {
            this.pending.AddRange(committed);
            if (!this.running)
            {
                this.running = true;
                this.loop = Task.Run(this.Run);
            }
        }
    }

    /// <summary>Waits for the last sync (the writer is stopped first, so nothing more arrives).</summary>
    public async ValueTask DisposeAsync()
    {
        Task last;
        lock (this.gate)
        {
            last = this.loop;
        }

        await last.ConfigureAwait(false);
        if (this.wal is not null)
        {
            await this.wal.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Run()
    {
        while (true)
        {
            List<PendingWrite> batch;
            lock (this.gate)
            {
                if (this.pending.Count == 0)
                {
                    this.running = false;
                    return;
                }

                batch = this.pending;
                this.pending = [];
            }

            if (this.TrySync(out Exception? cause))
            {
                batch.ForEach(w => w.Succeed());
            }
            else
            {
                batch.ForEach(w => w.Fail(cause!));
            }
        }
    }

    private bool TrySync(out Exception? cause)
    {
        // After a failed sync, a later one proves nothing about the pages the failed one lost.
        cause = this.failure;
        if (cause is not null)
        {
            return false;
        }

        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            // Opened on first use: the WAL exists once the first write has committed. SQLite never deletes it while
            // our writer connection is open. No buffer, so Flush(true) is exactly fsync; two threads may sync at once.
            FileStream wal;
            lock (this.gate)
            {
                wal = this.wal ??= new FileStream(this.walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            }

            this.sync(wal);
            SqliteStoreMetrics.RecordFsync(started, succeeded: true);
            cause = null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SqliteStoreMetrics.RecordFsync(started, succeeded: false);
            // Committed (readers see it) but perhaps never on disk: neither "done" nor "nothing written" is true.
            StoreFailedException failed = new(
                $"The SQLite store '{this.databasePath}' has stopped: its write-ahead log could not be synced to disk ({ex.Message}). " +
                "Writes since the last successful sync may not be on disk, so the outcome of this call is unknown; the store acknowledges " +
                "nothing more until the host restarts.",
                ex);
            bool first;
            lock (this.gate)
            {
                first = this.failure is null;
                this.failure ??= failed;
                cause = this.failure;
            }

            if (first)
            {
                this.onFailure(failed);
            }

            return false;
        }
    }
}
