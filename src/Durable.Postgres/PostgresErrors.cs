using System.Net.Sockets;
using Durable.Core.Storage;
using Npgsql;

namespace Durable.Postgres;

/// <summary>
/// Sorts PostgreSQL failures into "retry" (the server is unreachable or restarting, or the transaction lost a
/// deadlock: nothing was written and trying again is safe), "the store is unavailable" (the caller gets
/// <see cref="StoreUnavailableException"/>, HTTP 503) and everything else (a bug or a damaged schema: the original
/// exception surfaces unchanged so it is not mistaken for a passing outage).
/// </summary>
internal static class PostgresErrors
{
    /// <summary>True when the failed transaction was rolled back by the server and may simply be run again.</summary>
    public static bool IsRetryable(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState switch
        {
            "40001" or "40P01" => true, // serialization failure, deadlock: the transaction was rolled back
            "57P01" or "57P02" or "57P03" => true, // admin/crash shutdown, server starting up
            "53300" => true, // too many connections
            _ => pg.SqlState.StartsWith("08", StringComparison.Ordinal), // connection exception
        },
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        _ => false,
    };

    /// <summary>The SQLSTATE that <c>require_lease</c> raises when a commit's fence finds the lease gone (schema version 3).</summary>
    public const string LeaseNotHeld = "DL001";

    /// <summary>True when a fenced batch stopped because its lease is gone (<see cref="LeaseNotHeld"/>).</summary>
    public static bool IsLeaseLost(Exception exception) => exception is PostgresException { SqlState: LeaseNotHeld };

    /// <summary>
    /// True when the failure cannot tell whether the server committed: the connection broke while COMMIT was in
    /// flight. A server-side error (a <see cref="PostgresException"/>) always means "not committed".
    /// </summary>
    public static bool OutcomeUnknown(Exception exception) => exception is NpgsqlException and not PostgresException;

    /// <summary>The exception to throw instead of a non-retryable <paramref name="exception"/>, or null to let it surface.</summary>
    public static StoreUnavailableException? ToUnavailable(Exception exception, string server)
    {
        string? what = exception switch
        {
            PostgresException pg when pg.SqlState.StartsWith("28", StringComparison.Ordinal) => $"the server refused the credentials ({pg.MessageText})",
            PostgresException { SqlState: "3D000" } pg => $"the database does not exist ({pg.MessageText})",
            PostgresException { SqlState: "53100" } => "the server's disk is full",
            PostgresException { SqlState: "25006" } => "the server is read-only (a standby?)",
            PostgresException { SqlState: "42501" } pg => $"the user lacks a privilege the store needs ({pg.MessageText})",
            PostgresException => null,
            NpgsqlException npgsql => npgsql.Message,
            _ => null,
        };
        return what is null ? null : Unavailable(server, what, exception);
    }

    /// <summary>A <see cref="StoreUnavailableException"/> naming the server and the cause.</summary>
    public static StoreUnavailableException Unavailable(string server, string what, Exception? inner) =>
        new($"The PostgreSQL store at {server} is unavailable: {what}. Nothing of the failed call was written.", inner);

    /// <summary>The connection broke while the server was committing: the change may or may not be stored.</summary>
    public static StoreUnavailableException CommitOutcomeUnknown(string server, Exception inner) =>
        new($"The connection to the PostgreSQL store at {server} was lost while committing: the change may or may not have been stored.", inner) { OutcomeUnknown = true };

    /// <summary>A retryable failure that outlasted the retry budget.</summary>
    public static StoreUnavailableException GaveUp(string server, TimeSpan budget, Exception inner) =>
        Unavailable(server, $"{Describe(inner)}, still failing after {budget.TotalSeconds:0.#} s of retries", inner);

    private static string Describe(Exception e) => e switch
    {
        PostgresException pg => $"{pg.SqlState}: {pg.MessageText}",
        { InnerException: SocketException socket } => socket.Message,
        _ => e.Message.TrimEnd('.'),
    };
}
