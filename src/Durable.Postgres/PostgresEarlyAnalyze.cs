using System.Diagnostics;
using Durable.Core.Storage;
using Npgsql;

namespace Durable.Postgres;

/// <summary>
/// Analyzes the store's tables a few times in a host's first minutes. PostgreSQL keeps a prepared statement's generic
/// plan until the statistics of its tables change, and autovacuum first analyzes a new database's tables a minute or
/// more after they start to fill: until then every session runs plans made for nearly empty tables, which walk the whole
/// table once it has grown. Seen with auto_explain in a new database: the claim found its instance through the status
/// index (every instance of the hub, filtered) rather than the primary key, and kept that plan while the table grew to
/// thousands of rows; with a few hundred rows and no statistics the planner still prefers it, while with statistics of
/// even twenty rows it takes the primary key. An ANALYZE replaces the statistics and so makes every session plan again.
/// So it runs on a schedule, and at once after this store's 16th and 256th instance (a host that starts taking work a
/// while after its start would otherwise run on plans for empty tables until the next scheduled run or autovacuum).
/// Afterwards autovacuum keeps the statistics current. A host that starts on tables whose statistics already describe
/// a grown table runs none of it (<see cref="Needed"/>).
/// </summary>
internal sealed class PostgresEarlyAnalyze : IAsyncDisposable
{
    // Statistics of this many instance rows or more are a grown table's: the planner took the primary key from twenty.
    private const double GrownTableRows = 10_000;

    // When the scheduled runs come, after start: while a new database fills, then settles.
    private static readonly TimeSpan[] Schedule = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(35), TimeSpan.FromSeconds(75), TimeSpan.FromSeconds(155)];

    // Instances created by this store after which it analyzes at once.
    private static readonly int[] Marks = [16, 256];

    private readonly CancellationTokenSource stop = new();
    private readonly SemaphoreSlim marks = new(0);
    private readonly Task loop;
    private int created;

    /// <param name="database">The pool to run ANALYZE on.</param>
    /// <param name="analyze">The ANALYZE statement for the store's tables.</param>
    public PostgresEarlyAnalyze(PostgresDatabase database, string analyze)
    {
        CancellationToken token = this.stop.Token;
        this.loop = Task.Run(async () =>
        {
            Stopwatch sinceStart = Stopwatch.StartNew();
            int scheduled = 0;
            int marked = 0;
            while (scheduled < Schedule.Length || marked < Marks.Length)
            {
                try
                {
                    TimeSpan wait = scheduled == Schedule.Length
                        ? Timeout.InfiniteTimeSpan
                        : TimeSpan.FromTicks(Math.Max(0, (Schedule[scheduled] - sinceStart.Elapsed).Ticks));
                    if (await this.marks.WaitAsync(wait, token).ConfigureAwait(false))
                    {
                        marked++;
                    }
                    else
                    {
                        scheduled++;
                    }

                    await database.ReadAsync(s => s.ExecuteAsync(analyze, token), token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is NpgsqlException or StoreUnavailableException or IOException or TimeoutException or InvalidOperationException)
                {
                    // Only an optimization: autovacuum analyzes the tables too, a little later.
                }
            }
        });
    }

    /// <summary>
    /// Whether a host starting now should analyze early: not when the instances table's statistics already count
    /// <see cref="GrownTableRows"/> or more (a database in use), where the plans are a grown table's and autovacuum keeps
    /// them so. There each run would only cost: ANALYZE reads up to 30,000 pages of a large table (1.6 s for one of
    /// 1.7 million instances), seven times in a host's first minutes, and holds back the pruning of the queues' dead
    /// rows while it samples.
    /// </summary>
    /// <param name="instanceRows">pg_class.reltuples of the instances table (-1 or 0: never analyzed).</param>
    public static bool Needed(double instanceRows) => instanceRows < GrownTableRows;

    /// <summary>Counts an instance this store created; the 16th and the 256th have the tables analyzed at once.</summary>
    public void InstanceCreated()
    {
        if (Array.IndexOf(Marks, Interlocked.Increment(ref this.created)) >= 0)
        {
            this.marks.Release();
        }
    }

    /// <summary>Stops the remaining ANALYZE runs.</summary>
    public async ValueTask DisposeAsync()
    {
        await this.stop.CancelAsync().ConfigureAwait(false);
        await this.loop.ConfigureAwait(false);
        this.stop.Dispose();
        this.marks.Dispose();
    }
}
