using Microsoft.Data.Sqlite;

namespace Durable.Sqlite;

/// <summary>
/// Our own bounded retry on SQLITE_BUSY/SQLITE_LOCKED, on top of SQLite's native busy wait (at most one
/// second per attempt, set per connection). Between attempts it backs off 5 → 100 ms with jitter, so two
/// processes that collided do not retry in lock-step, until the busy budget is spent; then, like disk-full,
/// read-only and I/O errors, the failure surfaces as a <see cref="Durable.Core.Storage.StoreUnavailableException"/>.
/// </summary>
internal sealed class BusyRetry
{
    private readonly TimeSpan budget;
    private readonly string path;

    public BusyRetry(TimeSpan budget, string path)
    {
        this.budget = budget;
        this.path = path;
    }

    /// <summary>Runs <paramref name="attempt"/> until it does not fail with "busy" or the budget is spent.</summary>
    public async Task<T> RunAsync<T>(Func<T> attempt, CancellationToken cancellationToken)
    {
        // Wall-clock time on purpose: the budget is about real waiting, not about the store's (possibly fake) clock.
        DateTime deadline = DateTime.UtcNow + this.budget;
        int backoffMs = 5;
        while (true)
        {
            try
            {
                return attempt();
            }
            catch (SqliteException ex) when (SqliteErrors.IsBusy(ex) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(backoffMs + Random.Shared.Next(backoffMs + 1), cancellationToken).ConfigureAwait(false);
                backoffMs = Math.Min(backoffMs * 2, 100);
            }
            catch (SqliteException ex) when (SqliteErrors.ToUnavailable(ex, this.path) is { } unavailable)
            {
                throw unavailable;
            }
        }
    }
}
