using Durable.Core.Storage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Durable.Sqlite;

/// <summary>
/// The single writer of a store: one long-lived connection and one loop that runs queued writes. Writes that
/// queue up while a transaction runs are committed together (group commit): each one inside its own savepoint,
/// all of them in one <c>BEGIN IMMEDIATE</c> transaction. Every caller still gets all-or-nothing: a write that throws
/// is rolled back to its savepoint and fails alone, and nobody is told "done" before the shared COMMIT has returned
/// and, for a durable write, the WAL has been synced (<see cref="WalFlusher"/>, which syncs while this loop goes on).
/// Lease writes (taking, renewing, handing back a lease) have their own queue, taken first into each batch and
/// acknowledged at COMMIT: a dispatcher waits on each lease before it starts the next work item, and nobody is told
/// anything by one.
/// </summary>
/// <remarks>
/// One writer per process is also what SQLite admits per file, so queueing here replaces busy-looping inside
/// SQLite. <c>BEGIN IMMEDIATE</c> takes the file's write lock before the first read, so a second process either
/// commits before us or waits; a lease chosen inside that lock cannot be chosen differently elsewhere.
/// </remarks>
internal sealed class SqliteWriter : IAsyncDisposable
{
    // Bounds how long one batch holds the file's write lock (another process may be waiting for it).
    private const int MaxBatch = 64;
    private readonly object gate = new();
    private readonly Queue<PendingWrite> queue = new();
    private readonly Queue<PendingWrite> leaseQueue = new();
    private readonly SqliteSession session;
    private readonly BusyRetry retry;
    private readonly string path;
    private readonly WalFlusher? flusher;
    private Task loop = Task.CompletedTask;
    private bool running;
    private bool disposed;

    /// <param name="session">The write connection (in <c>synchronous=NORMAL</c> when <paramref name="flusher"/> is given).</param>
    /// <param name="retry">Busy handling for BEGIN.</param>
    /// <param name="path">The file, for error messages.</param>
    /// <param name="flusher">Syncs the WAL before durable writes are acknowledged; null when the store is not durable.</param>
    public SqliteWriter(SqliteSession session, BusyRetry retry, string path, WalFlusher? flusher)
    {
        this.session = session;
        this.retry = retry;
        this.path = path;
        this.flusher = flusher;
    }

    /// <summary>Queues <paramref name="work"/>; completes once it is committed and durable (or failed and rolled back).</summary>
    /// <param name="work">The write.</param>
    /// <param name="cancellationToken">Cancels the write while it is still queued.</param>
    /// <param name="lease">
    /// True for a write that acknowledges nothing to anyone (a lease taken, renewed or handed back): served ahead of
    /// the durable queue and completed at COMMIT, without waiting for a WAL sync. The WAL is sequential, so the next
    /// durable write's sync covers it too; a power loss before that only lets a lease lapse early.
    /// </param>
    public Task<T> WriteAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken, bool lease = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (this.Failure is { } failed)
        {
            return Task.FromException<T>(failed);
        }

        PendingWrite<T> write = new(work, cancellationToken) { Lease = lease };
        lock (this.gate)
        {
            ObjectDisposedException.ThrowIf(this.disposed, this);
            (lease ? this.leaseQueue : this.queue).Enqueue(write);
            if (!this.running)
            {
                this.running = true;
                this.loop = Task.Run(this.RunLoopAsync, CancellationToken.None);
            }
        }

        return write.Task;
    }

    /// <summary>The failed WAL sync that stopped the store (every write then fails with it), or null while it works.</summary>
    public StoreFailedException? Failure => this.flusher?.Failure;

    /// <summary>Refuses new writes, lets queued ones finish, then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        Task last;
        lock (this.gate)
        {
            if (this.disposed)
            {
                return;
            }

            this.disposed = true;
            last = this.loop;
        }

        await last.ConfigureAwait(false);
        if (this.flusher is not null)
        {
            await this.flusher.DisposeAsync().ConfigureAwait(false);
        }

        this.session.Dispose();
    }

    private async Task RunLoopAsync()
    {
        while (true)
        {
            List<PendingWrite> batch = [];
            lock (this.gate)
            {
                // Leases first, so a burst of durable writes never delays the dispatchers by more than one batch.
                while (batch.Count < MaxBatch && (this.leaseQueue.TryDequeue(out PendingWrite? next) || this.queue.TryDequeue(out next)))
                {
                    if (next.TryStart())
                    {
                        batch.Add(next);
                    }
                }

                if (batch.Count == 0 && this.queue.Count == 0 && this.leaseQueue.Count == 0)
                {
                    this.running = false;
                    return;
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            if (this.Failure is { } failed)
            {
                // Stopped: even a lease write is not committed, as nothing committed now could be trusted to be durable.
                batch.ForEach(w => w.Fail(failed));
                continue;
            }

            try
            {
                await this.CommitBatchAsync(batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A failure outside any one write (SAVEPOINT or ROLLBACK itself failed): nothing of the batch is
                // committed, so every write in it fails; the loop goes on with the next batch.
                Exception cause = this.Translate(ex);
                this.TryRollback();
                batch.ForEach(w => w.Fail(cause));
            }
        }
    }

    private async Task CommitBatchAsync(List<PendingWrite> batch)
    {
        try
        {
            await this.retry.RunAsync(() => this.session.Execute("BEGIN IMMEDIATE"), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            batch.ForEach(w => w.Fail(ex));
            return;
        }

        List<PendingWrite> done = [];
        foreach (PendingWrite write in batch)
        {
            this.session.Execute("SAVEPOINT w");
            try
            {
                write.Run(this.session);
                this.session.Execute("RELEASE w");
                done.Add(write);
            }
            catch (Exception ex)
            {
                if (!this.InTransaction())
                {
                    // SQLite rolled the whole transaction back by itself (disk full, I/O error): the writes
                    // that had succeeded before are gone too, so they fail with the same cause.
                    Exception cause = this.Translate(ex);
                    write.Fail(cause);
                    done.ForEach(w => w.Fail(cause));
                    batch.SkipWhile(w => w != write).Skip(1).ToList().ForEach(w => w.Fail(cause));
                    return;
                }

                this.session.Execute("ROLLBACK TO w");
                this.session.Execute("RELEASE w");
                write.Fail(this.Translate(ex));
            }
        }

        try
        {
            this.session.Execute("COMMIT");
        }
        catch (Exception ex)
        {
            this.TryRollback();
            Exception cause = this.Translate(ex);
            done.ForEach(w => w.Fail(cause));
            return;
        }

        if (this.flusher is null)
        {
            done.ForEach(w => w.Succeed());
            return;
        }

        // Leases are complete now; durable writes once the WAL is synced, while this loop commits the next batch.
        done.Where(w => w.Lease).ToList().ForEach(w => w.Succeed());
        List<PendingWrite> durable = [.. done.Where(w => !w.Lease)];
        if (durable.Count == 0)
        {
            return;
        }

        bool nothingQueued;
        lock (this.gate)
        {
            nothingQueued = this.queue.Count == 0 && this.leaseQueue.Count == 0;
        }

        if (nothingQueued)
        {
            // Nothing to overlap the sync with: do it here and spare the callers a thread hand-off.
            this.flusher.SyncNow(durable);
        }
        else
        {
            this.flusher.Enqueue(durable);
        }
    }

    private void TryRollback()
    {
        try
        {
            if (this.InTransaction())
            {
                this.session.Execute("ROLLBACK");
            }
        }
        catch (SqliteException)
        {
            // The connection is failing as a whole; the next BEGIN reports it to the next callers.
        }
    }

    private bool InTransaction() => raw.sqlite3_get_autocommit(this.session.Connection.Handle) == 0;

    private Exception Translate(Exception exception) =>
        exception is SqliteException sqlite && SqliteErrors.ToUnavailable(sqlite, this.path) is { } unavailable ? unavailable : exception;
}
