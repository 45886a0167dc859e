using Durable.Core.Storage;
using Npgsql;

namespace Durable.Postgres;

/// <summary>
/// Analyzes the store's tables a few times in a host's first minutes. PostgreSQL keeps a prepared statement's generic
/// plan until the statistics of its tables change, and autovacuum first analyzes a new database's tables a minute or
/// more after they start to fill: until then every session runs plans made for nearly empty tables (with one page,
/// any index or a scan is as cheap as the primary key), which walk the whole table once it has grown. An ANALYZE
/// replaces the statistics and so makes every session plan again. Afterwards autovacuum keeps them current.
/// </summary>
internal sealed class PostgresEarlyAnalyze : IAsyncDisposable
{
    // The waits before each run (so 5, 15, 35, 75 and 155 s after start): while a new database fills, then settles.
    private static readonly TimeSpan[] Delays = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(80)];

    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    /// <param name="database">The pool to run ANALYZE on.</param>
    /// <param name="analyze">The ANALYZE statement for the store's tables.</param>
    public PostgresEarlyAnalyze(PostgresDatabase database, string analyze)
    {
        CancellationToken token = this.stop.Token;
        this.loop = Task.Run(async () =>
        {
            foreach (TimeSpan delay in Delays)
            {
                try
                {
                    await Task.Delay(delay, token).ConfigureAwait(false);
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

    /// <summary>Stops the remaining ANALYZE runs.</summary>
    public async ValueTask DisposeAsync()
    {
        await this.stop.CancelAsync().ConfigureAwait(false);
        await this.loop.ConfigureAwait(false);
        this.stop.Dispose();
    }
}
