using System.Data.Common;
using System.Diagnostics;
using Durable.Core.Storage;
using Npgsql;

namespace Durable.Postgres;

/// <summary>
/// The pooled connections to one database and the retry policy around them. Each call runs on a pooled
/// connection; writes in one READ COMMITTED transaction. A call that fails because the server is unreachable,
/// restarting or picked the transaction as a deadlock victim is run again from the start (the server rolled it
/// back) until <see cref="PostgresStoreOptions.RetryTimeout"/> is spent; then <see cref="StoreUnavailableException"/>.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StartupRetryTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Makes the transaction's COMMIT return only once its WAL is flushed to disk (and, with synchronous standbys, on
    /// them), whatever the server's, database's or role's default: with <c>synchronous_commit = off</c> a server crash
    /// loses commits it had acknowledged, which the engine has already reported done (a 202 start, a delivered event).
    /// A transaction-local setting ends with the transaction, so a pooled connection keeps nothing of it; it works through
    /// PgBouncer's transaction pooling, where startup options do not. It is sent with the transaction's first statement
    /// (and the deferred BEGIN), so it costs no round trip of its own.
    /// </summary>
    private static readonly PostgresStatement[] DurableCommit = [PostgresSession.Local("synchronous_commit", "on")];

    /// <summary>Connections per host when the connection string does not say and commands are multiplexed (the default).</summary>
    internal const int DefaultMaxPoolSize = 16;

    /// <summary>Connections per host when the connection string does not say and turns multiplexing off (Npgsql's own default is 100).</summary>
    internal const int UnmultiplexedMaxPoolSize = 30;

    private readonly NpgsqlDataSource source;
    private readonly NpgsqlDataSource listenSource;
    private readonly TimeSpan retryTimeout;

    private PostgresDatabase(NpgsqlDataSource source, NpgsqlDataSource listenSource, string server, TimeSpan retryTimeout)
    {
        this.source = source;
        this.listenSource = listenSource;
        this.Server = server;
        this.retryTimeout = retryTimeout;
    }

    /// <summary>"host:port/database" for messages: never the password.</summary>
    public string Server { get; }

    /// <summary>The pool of the store's calls.</summary>
    public NpgsqlDataSource Source => this.source;

    /// <summary>
    /// Unpooled connections for the listener: a LISTEN connection is session state, so it is closed for real rather
    /// than handed back to a pool that no longer resets what a connection did (see <see cref="Open"/>).
    /// </summary>
    public NpgsqlDataSource ListenSource => this.listenSource;

    /// <summary>Parses the connection string; a malformed one is an <see cref="ArgumentException"/> that says so without echoing it.</summary>
    public static NpgsqlConnectionStringBuilder Parse(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidCastException)
        {
            // Npgsql's message may quote the string, password included: name the offending keyword, never a value.
            throw new ArgumentException(
                $"The PostgreSQL connection string is not valid: {BadKeyword(connectionString)}. " +
                "Expected 'Host=...;Port=...;Database=...;Username=...;Password=...'.");
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new ArgumentException("The PostgreSQL connection string names no Host.");
        }

        return builder;
    }

    /// <summary>Which keyword of a connection string Npgsql rejects (unknown, or its value malformed).</summary>
    private static string BadKeyword(string connectionString)
    {
        NpgsqlConnectionStringBuilder probe = new();
        foreach (string part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                // Not echoed: a part without '=' may well be a stray password.
                return "a part has no '=' (each part is keyword=value)";
            }

            string key = part[..equals].Trim();
            try
            {
                probe[key] = part[(equals + 1)..];
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidCastException)
            {
                return $"the keyword '{key}' is unknown or its value is malformed";
            }
        }

        return "it does not parse (check quoting and the ';' separators)";
    }

    /// <summary>Builds the pool.</summary>
    public static PostgresDatabase Open(PostgresStoreOptions options)
    {
        NpgsqlConnectionStringBuilder builder = Parse(options.ConnectionString);

        // Prepared statements pay off: the store sends the same few dozen statements all day.
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
        }

        // Multiplexing (commands of concurrent calls share connections and are written together) saved 8-15% of the CPU
        // per flow under load, host and server together, in every pair measured (docs/performance.md). Every store call
        // is one batch or an explicit transaction, which Npgsql gives a connection of its own, so a command waiting for a
        // row lock only ever waits for a batch already running on another connection. Multiplexing=false opts out, and
        // Pooling=false does too (Npgsql multiplexes pooled connections only).
        if (!Names(options.ConnectionString, "Multiplexing") && builder.Pooling)
        {
            builder.Multiplexing = true;
        }

        // Npgsql's own default of 100 connections per host lets two or three hosts exhaust a default server's
        // max_connections (100). Multiplexed, a host writes a command to an idle connection while it has one and opens
        // another while under the limit, so under load it uses every connection it may, each carrying a command or two:
        // 16 instead of 30 pipelines more commands per connection, which took 10-22% off the server's CPU per flow
        // with one host and three, and added 11-15% to three hosts' throughput (docs/performance.md, "A smaller pool, leased start").
        // Unmultiplexed, each call holds a connection for its transaction, and calls beyond the limit wait for one.
        // A pool size in the connection string wins.
        if (!NamesPoolSize(options.ConnectionString))
        {
            builder.MaxPoolSize = builder.Multiplexing ? DefaultMaxPoolSize : UnmultiplexedMaxPoolSize;
        }

        // Npgsql resets a pooled connection's session state before each reuse: seven statements (RESET ALL, UNLISTEN *,
        // pg_advisory_unlock_all(), ...) that the server runs for every store call, more work than most calls
        // themselves. The store keeps no session state on pooled connections (settings are transaction-local, advisory
        // locks are transaction-scoped, LISTEN has its own unpooled connection), so there is nothing to reset.
        builder.NoResetOnClose = true;

        // Session defaults, ahead of a connection string's own Options (which win where they overlap):
        // - synchronous_commit off: a claim (ClaimAsync) needs no durable commit, so it commits in the same round trip
        //   without waiting for the WAL flush. Every other write sets it back on for its transaction (DurableCommit).
        // - no whole-table scans where an index serves: PostgreSQL keeps a prepared statement's generic plan until the
        //   table is next analyzed, and a plan made while a new database's tables were nearly empty (a sequential
        //   scan of one page beats any index) would otherwise go on scanning them whole as they grow. Every
        //   statement of the store has an index made for it.
        // - no bitmap scans: a claim reads the first due rows of a queue whose index holds entries for every row
        //   consumed since the last vacuum; only a plain index scan in index order stops at the first live one (and
        //   marks the dead ones it passed, so later scans skip them), where a bitmap scan visits every dead entry,
        //   every time. Every other statement of the store is an index lookup or an ordered index range.
        // - no JIT: it never pays for short statements, and a plan whose estimate is off (one made while a new
        //   database's tables were still nearly empty) can cross jit_above_cost and spend tens of milliseconds
        //   compiling on every run.
        // - generic plans only: the store sends the same few dozen statements all day, each written to be served by one
        //   index path whatever its values, yet PostgreSQL's default re-plans a prepared statement for its values while
        //   it estimates that pays, which was 7% of the server's CPU under load with one host and 23% with three (perf).
        //   The instance list and purge, whose best plan depends on the filter's values, ask for custom plans
        //   (PostgresSession.UseCustomPlans).
        // - READ COMMITTED by default: a claim or a one-round-trip write is a batch without BEGIN, whose implicit
        //   transaction takes the session's default isolation, and the store's statements are written for READ
        //   COMMITTED (a raised event's count sees the event committed while it waited for the instance's lock). A
        //   database or role defaulting to REPEATABLE READ or SERIALIZABLE must not change that.
        // Behind a pooler that drops startup options (PgBouncer's ignore_startup_parameters), claims are durable commits
        // and whole-table and bitmap scans allowed: slower, equally correct.
        builder.Options = ("-c synchronous_commit=off -c enable_seqscan=off -c enable_bitmapscan=off -c jit=off -c plan_cache_mode=force_generic_plan -c default_transaction_isolation=read\\ committed " + builder.Options).Trim();

        string server = $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
        NpgsqlDataSource source = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
        // Unpooled, so never multiplexed either: LISTEN holds its session.
        NpgsqlConnectionStringBuilder listen = new(builder.ConnectionString) { Pooling = false, Multiplexing = false };
        NpgsqlDataSource listenSource = new NpgsqlDataSourceBuilder(listen.ConnectionString).Build();
        return new PostgresDatabase(source, listenSource, server, options.RetryTimeout);
    }

    /// <summary>Whether the connection string sets the pool size itself (under any of Npgsql's spellings).</summary>
    internal static bool NamesPoolSize(string connectionString) => Names(connectionString, "MaximumPoolSize", "MaxPoolSize");

    /// <summary>Whether the connection string sets one of <paramref name="keys"/> (spaces and case ignored).</summary>
    private static bool Names(string connectionString, params string[] keys)
    {
        DbConnectionStringBuilder raw = new() { ConnectionString = connectionString };
        return raw.Keys.Cast<string>()
            .Select(k => k.Replace(" ", string.Empty, StringComparison.Ordinal))
            .Any(k => keys.Any(key => k.Equals(key, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Runs <paramref name="body"/> in one transaction and commits it; retried as a whole on transient failures.</summary>
    public Task<T> WriteAsync<T>(Func<PostgresSession, Task<T>> body, CancellationToken cancellationToken) =>
        this.RunAsync(body, DurableCommit, this.retryTimeout, cancellationToken);

    /// <summary>
    /// Runs a write that is one round trip: <paramref name="body"/> sends one batch (a second throws), which PostgreSQL
    /// runs as one implicit transaction, committed when the batch ends or rolled back whole when a statement fails, so
    /// no BEGIN and no COMMIT round trip of its own. Durable like <see cref="WriteAsync"/> (the same setting rides first in
    /// the batch). A lost connection while the batch is out may have committed it: that is reported as an unknown
    /// outcome, never run again.
    /// </summary>
    public Task<T> WriteInOneRoundTripAsync<T>(Func<PostgresSession, Task<T>> body, CancellationToken cancellationToken) =>
        this.RunAsync(body, DurableCommit, this.retryTimeout, cancellationToken, implicitTransaction: true);

    /// <summary>
    /// <see cref="WriteAsync"/> with a retry budget of at most <see cref="StartupRetryTimeout"/>: at start a server
    /// that does not answer is more likely a wrong address than a blip, and the host should say so promptly.
    /// </summary>
    public Task<T> WriteAtStartupAsync<T>(Func<PostgresSession, Task<T>> body, CancellationToken cancellationToken) =>
        this.RunAsync(body, DurableCommit, this.retryTimeout < StartupRetryTimeout ? this.retryTimeout : StartupRetryTimeout, cancellationToken);

    /// <summary>Runs <paramref name="body"/> on a pooled connection without a transaction (single-statement reads).</summary>
    public Task<T> ReadAsync<T>(Func<PostgresSession, Task<T>> body, CancellationToken cancellationToken) =>
        this.RunAsync(body, transaction: null, this.retryTimeout, cancellationToken);

    /// <summary>
    /// Runs a claim of work (a lease): its statements in one batch, which PostgreSQL runs as one implicit transaction
    /// committed at its end, so one round trip. The commit need not be durable (the session default is
    /// <c>synchronous_commit = off</c>, see <see cref="Open"/>): a claim lost in a server crash is only a lease nobody
    /// holds, and the fenced commit of its holder is then refused. Retried like a read: a claim whose outcome is
    /// unknown is at worst a lease that lapses.
    /// </summary>
    public Task<T> ClaimAsync<T>(Func<PostgresSession, Task<T>> body, CancellationToken cancellationToken) =>
        this.RunAsync(body, transaction: null, this.retryTimeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await this.listenSource.DisposeAsync().ConfigureAwait(false);
        await this.source.DisposeAsync().ConfigureAwait(false);
    }

    /// <param name="body">The work, on a session of the connection.</param>
    /// <param name="transaction">The settings that open the transaction's first round trip; null: no transaction.</param>
    /// <param name="budget">How long transient failures are retried.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="implicitTransaction">The body is one round trip, its batch the transaction (see <see cref="WriteInOneRoundTripAsync"/>).</param>
    private async Task<T> RunAsync<T>(Func<PostgresSession, Task<T>> body, IReadOnlyList<PostgresStatement>? transaction, TimeSpan budget, CancellationToken cancellationToken, bool implicitTransaction = false)
    {
        Stopwatch elapsed = Stopwatch.StartNew();
        TimeSpan delay = FirstRetryDelay;
        while (true)
        {
            bool committing = false;
            try
            {
                await using NpgsqlConnection connection = await this.source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                if (implicitTransaction)
                {
                    // From here on the batch may reach the server and commit, whatever happens to the connection.
                    committing = true;
                    return await body(new PostgresSession(connection, null, transaction, singleRoundTrip: true)).ConfigureAwait(false);
                }

                if (transaction is null)
                {
                    return await body(new PostgresSession(connection, null)).ConfigureAwait(false);
                }

                await using NpgsqlTransaction open = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                T result = await body(new PostgresSession(connection, open, transaction)).ConfigureAwait(false);
                committing = true;
                await open.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (Exception e) when (e is NpgsqlException && !cancellationToken.IsCancellationRequested)
            {
                if (committing && PostgresErrors.OutcomeUnknown(e))
                {
                    // Running it again could apply it twice (a second event, a second start): report, don't guess.
                    throw PostgresErrors.CommitOutcomeUnknown(this.Server, e);
                }

                if (!PostgresErrors.IsRetryable(e))
                {
                    // Unavailable (credentials, missing database, disk full) or a bug, which surfaces unchanged.
                    if (PostgresErrors.ToUnavailable(e, this.Server) is { } unavailable)
                    {
                        throw unavailable;
                    }

                    throw;
                }

                if (elapsed.Elapsed + delay > budget)
                {
                    throw PostgresErrors.GaveUp(this.Server, budget, e);
                }
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 > MaxRetryDelay ? MaxRetryDelay : delay * 2;
        }
    }
}
