using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Durable.Sqlite;

/// <summary>
/// The single writer of a store: one long-lived connection and one loop that runs queued writes. Writes that
/// queue up while a transaction runs are committed together (group commit): each one inside its own savepoint,
/// all of them in one <c>BEGIN IMMEDIATE</c> transaction and therefore one fsync. Every caller still gets
/// all-or-nothing: a write that throws is rolled back to its savepoint and fails alone, and nobody is told
/// "done" before the shared COMMIT has returned.
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
    private readonly SqliteSession session;
    private readonly BusyRetry retry;
    private readonly string path;
    private Task loop = Task.CompletedTask;
    private bool running;
    private bool disposed;

    public SqliteWriter(SqliteSession session, BusyRetry retry, string path)
    {
        this.session = session;
        this.retry = retry;
        this.path = path;
    }

    /// <summary>Queues <paramref name="work"/>; completes once it is committed (or failed and rolled back).</summary>
    public Task<T> WriteAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        PendingWrite<T> write = new(work, cancellationToken);
        lock (this.gate)
        {
            ObjectDisposedException.ThrowIf(this.disposed, this);
            this.queue.Enqueue(write);
            if (!this.running)
            {
                this.running = true;
                this.loop = Task.Run(this.RunLoopAsync, CancellationToken.None);
            }
        }

        return write.Task;
    }

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
        this.session.Dispose();
    }

    private async Task RunLoopAsync()
    {
        while (true)
        {
            List<PendingWrite> batch = [];
            lock (this.gate)
            {
                while (batch.Count < MaxBatch && this.queue.TryDequeue(out PendingWrite? next))
                {
                    if (next.TryStart())
                    {
                        batch.Add(next);
                    }
                }

                if (batch.Count == 0 && this.queue.Count == 0)
                {
                    this.running = false;
                    return;
                }
            }

            if (batch.Count == 0)
            {
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

        done.ForEach(w => w.Succeed());
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
