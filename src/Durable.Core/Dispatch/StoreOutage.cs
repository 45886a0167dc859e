using Durable.Core.Storage;

namespace Durable.Core.Dispatch;

/// <summary>
/// Stores a finished work item's result, riding out a store outage (disk full, database locked, connection lost)
/// under the same lease. Handing the item back instead would make its next lease count as one more failed attempt
/// against the poison cap, and re-run an activity, for a fault that is the store's and not the work's: a disk that is
/// full for a minute must not fail every instance that was mid-step.
/// </summary>
internal static class StoreOutage
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="write"/> until it succeeds, retrying while it throws <see cref="StoreUnavailableException"/>
    /// (1 s, doubling to 5 s) and keeping the lease renewed meanwhile. Any other failure, an outage that is still on
    /// when <paramref name="stopping"/> is cancelled, or a lost lease (<see cref="LeaseLostException"/> from the write)
    /// is thrown to the caller.
    /// </summary>
    public static async Task WriteAsync(
        Func<Task> write,
        Func<CancellationToken, Task<bool>> renewLease,
        DurableEngineOptions options,
        TimeProvider time,
        Action<TimeSpan, Exception> onOutage,
        Action<Exception?> onRenewFailure,
        CancellationToken stopping)
    {
        LeaseRenewal? renewal = null;
        try
        {
            for (TimeSpan delay = FirstRetry; ; delay = delay * 2 < MaxRetry ? delay * 2 : MaxRetry)
            {
                try
                {
                    await write().ConfigureAwait(false);
                    return;
                }
                catch (StoreUnavailableException ex) when (!stopping.IsCancellationRequested)
                {
                    // Renewal starts only now: the common case (first write succeeds) pays nothing for it.
                    renewal ??= LeaseRenewal.Start(renewLease, options.LeaseDuration, time, onRenewFailure);
                    onOutage(delay, ex);
                    try
                    {
                        await Task.Delay(delay, time, stopping).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // Stopping: one last try, then the caller hands the item back.
                    }
                }
            }
        }
        finally
        {
            if (renewal is not null)
            {
                await renewal.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
