using Microsoft.Data.Sqlite;

namespace Durable.Sqlite;

/// <summary>
/// Notices commits to one SQLite file made through other connections, including other processes (a second host, the
/// <c>durable</c> command line), by reading <c>PRAGMA data_version</c> on a connection of its own at a short interval.
/// </summary>
/// <remarks>
/// SQLite has no cross-process notification; <c>data_version</c> is its cheapest substitute: the value lives in the
/// WAL index (shared memory), so a read costs microseconds and takes no lock, unlike a lease attempt, which is a write
/// transaction. The store's own writer is "another connection" too, so the host's own commits also trigger calls; the
/// subscriber is told that work <em>may</em> have arrived, and a spurious call costs one lease attempt.
/// </remarks>
internal sealed class SqliteChangeWatcher : IDisposable
{
    /// <summary>How often the file is looked at: as often as an idle dispatcher may poll at its fastest.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    private readonly CancellationTokenSource stop = new();
    private readonly string connectionString;
    private readonly Action changed;

    private SqliteChangeWatcher(string path, Action changed)
    {
        this.connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
        this.changed = changed;
    }

    /// <summary>
    /// Starts watching <paramref name="path"/>; <paramref name="changed"/> runs on a pool thread after each change seen.
    /// The baseline is read before this returns, so every commit made after the call is reported.
    /// </summary>
    public static SqliteChangeWatcher Start(string path, TimeSpan interval, TimeProvider time, Action changed)
    {
        SqliteChangeWatcher watcher = new(path, changed);
        SqliteConnection? connection = null;
        long? baseline = null;
        try
        {
            connection = watcher.Open();
            baseline = Read(connection);
        }
        catch (SqliteException)
        {
            // Not readable now: the loop retries, and reports a change once it can read.
            connection?.Dispose();
            connection = null;
        }

        _ = Task.Run(() => watcher.RunAsync(connection, baseline, interval, time), CancellationToken.None);
        return watcher;
    }

    /// <summary>Stops watching: the loop wakes at once, closes its connection and ends.</summary>
    public void Dispose()
    {
        if (!this.stop.IsCancellationRequested)
        {
            this.stop.Cancel();
        }
    }

    private async Task RunAsync(SqliteConnection? connection, long? last, TimeSpan interval, TimeProvider time)
    {
        bool missed = last is null;
        using PeriodicTimer timer = new(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(this.stop.Token).ConfigureAwait(false))
            {
                try
                {
                    connection ??= this.Open();
                    long version = Read(connection);
                    if ((last is not null && version != last) || missed)
                    {
                        this.changed();
                    }

                    last = version;
                    missed = false;
                }
                catch (SqliteException)
                {
                    // The file is briefly unreadable (locked for a checkpoint, being replaced): reopen next tick and
                    // report a change then, since one may have been missed. The dispatchers' fallback poll covers the gap.
                    connection?.Dispose();
                    connection = null;
                    last = null;
                    missed = true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
        finally
        {
            connection?.Dispose();
            this.stop.Dispose();
        }
    }

    private SqliteConnection Open()
    {
        SqliteConnection connection = new(this.connectionString);
        try
        {
            connection.Open();
            using SqliteCommand pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA query_only=1";
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static long Read(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA data_version";
        return (long)command.ExecuteScalar()!;
    }
}
