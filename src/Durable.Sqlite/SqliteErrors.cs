using Durable.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Durable.Sqlite;

/// <summary>
/// Sorts SQLite failures into "wait and retry" (busy), "the store is unavailable" (the caller gets
/// <see cref="StoreUnavailableException"/>, HTTP 503) and everything else (a bug or a damaged schema: the
/// original exception surfaces unchanged so it is not mistaken for a passing outage).
/// </summary>
internal static class SqliteErrors
{
    // Primary result codes (https://sqlite.org/rescode.html). An extended code carries its primary code in the low byte.
    private const int Busy = 5;
    private const int Locked = 6;
    private const int NoMemory = 7;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int Protocol = 15;
    private const int NotADatabase = 26;

    /// <summary>Another connection holds the lock we need: worth retrying after a short wait.</summary>
    public static bool IsBusy(SqliteException exception) => Primary(exception) is Busy or Locked;

    /// <summary>The exception to throw instead of <paramref name="exception"/>, or null to let it surface as is.</summary>
    public static StoreUnavailableException? ToUnavailable(SqliteException exception, string path)
    {
        string? what = Primary(exception) switch
        {
            Busy or Locked => "the database stayed locked by another writer for longer than the busy budget (SqliteStoreOptions.BusyTimeout)",
            Full => "the disk is full",
            ReadOnly => "the database file or its folder is read-only",
            IoError => "a disk I/O error occurred",
            CantOpen => "the database file cannot be opened",
            Corrupt or NotADatabase => "the file is damaged or is not a SQLite database",
            NoMemory => "SQLite ran out of memory",
            Protocol => "the file-locking protocol failed (is the file on a network share?)",
            _ => null,
        };
        return what is null ? null : Unavailable(path, what, exception);
    }

    /// <summary>A <see cref="StoreUnavailableException"/> naming the file and the cause.</summary>
    public static StoreUnavailableException Unavailable(string path, string what, Exception? inner) =>
        new($"The SQLite store '{path}' is unavailable: {what}. Nothing of the failed call was written.", inner);

    private static int Primary(SqliteException exception) => exception.SqliteErrorCode & 0xFF;
}
