using Durable.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Durable.Sqlite;

/// <summary>
/// The one connection of a store and its transactions. Calls in this process are serialized by a
/// semaphore (SQLite has one writer anyway, and waiting here is cheaper than busy-looping in SQLite);
/// <c>BEGIN IMMEDIATE</c> takes the write lock up front, so another process on the same file serializes
/// with us instead of failing half-way. Busy errors are retried with back-off until the busy budget is
/// spent; then, like disk-full, read-only and I/O errors, they surface as <see cref="StoreUnavailableException"/>.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly SqliteConnection connection;
    private readonly TimeSpan busyBudget;

    public SqliteDatabase(SqliteStoreOptions options)
    {
        string fullPath = Path.GetFullPath(options.DatabasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        this.busyBudget = options.BusyTimeout;
        this.connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString());
        this.connection.Open();
        this.Execute(null, $"PRAGMA journal_mode=WAL; PRAGMA synchronous={(options.Durable ? "FULL" : "NORMAL")}; PRAGMA busy_timeout=250;");
    }

    /// <summary>Runs <paramref name="work"/> in one IMMEDIATE transaction, retrying when the file is busy.</summary>
    public async Task<T> TransactAsync<T>(Func<SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        DateTime deadline = DateTime.UtcNow + this.busyBudget;
        TimeSpan backoff = TimeSpan.FromMilliseconds(5);
        await this.gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                try
                {
                    using SqliteTransaction transaction = this.connection.BeginTransaction(deferred: false);
                    T result = work(transaction);
                    transaction.Commit();
                    return result;
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteBusy or SqliteLocked && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.Next(5)), cancellationToken).ConfigureAwait(false);
                    backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 200));
                }
                catch (SqliteException ex)
                {
                    throw Unavailable(ex);
                }
            }
        }
        finally
        {
            this.gate.Release();
        }
    }

    /// <summary>A command on the transaction with positional-free named parameters.</summary>
    public SqliteCommand Command(SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        SqliteCommand command = this.connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach ((string name, object? value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public int Execute(SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using SqliteCommand command = this.Command(transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public object? Scalar(SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using SqliteCommand command = this.Command(transaction, sql, parameters);
        object? value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public void Dispose()
    {
        this.connection.Dispose();
        this.gate.Dispose();
    }

    private static StoreUnavailableException Unavailable(SqliteException ex)
    {
        string what = ex.SqliteErrorCode switch
        {
            SqliteBusy or SqliteLocked => "the database stayed locked by another writer",
            13 => "the disk is full",
            8 => "the database file is read-only",
            10 => "a disk I/O error occurred",
            14 => "the database file cannot be opened",
            _ => $"SQLite error {ex.SqliteErrorCode}",
        };
        return new StoreUnavailableException($"The SQLite store is unavailable: {what}.", ex);
    }
}
