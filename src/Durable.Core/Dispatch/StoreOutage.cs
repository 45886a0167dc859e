using Durable.Core.Storage;

namespace Durable.Core.Dispatch;

/// <summary>
/// Stores a finished work item's result, riding out a store outage (disk full, database locked, connection lost)
/// under the same lease. Handing the item back instead would make its next lease count as one more failed attempt
/// against the poison cap, and re-run an activity, for a fault that is the store's and not the work's: a disk that is
/// full for a minute must not fail every instance that was mid-step.
/// </summary>
/// <remarks>
/// Only while that lease lives: a result kept past its lease's expiry (renewals failed through the outage too) is
/// dropped, never stored late. Another lease (another host's, or this host's next one) may hold the work by then; the
/// work is redone under it, as after a crash. The store refuses such a late write by its lease token anyway; dropping
/// it here also ends the item, so its dispatcher may lease the instance again.
/// </remarks>
internal static class StoreOutage
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="write"/> until it succeeds, retrying while it throws <see cref="StoreUnavailableException"/>
    /// (1 s, doubling to 5 s) and keeping the lease renewed meanwhile. Any other failure, an outage that is still on
    /// when <paramref name="stopping"/> is cancelled, or a lost lease (<see cref="LeaseLostException"/> from the write,
    /// or thrown here once <paramref name="leaseExpiration"/> has passed before a retry) is thrown to the caller.
    /// </summary>
    public static async Task WriteAsync(
        Func<Task> write,
        Func<CancellationToken, Task<bool>> renewLease,
        Func<DateTimeOffset> leaseExpiration,
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

                    // Wake at the lease's expiry at the latest: a lapsed lease drops the write at once.
                    TimeSpan untilExpiry = leaseExpiration() - time.GetUtcNow();
                    TimeSpan wait = untilExpiry < delay ? (untilExpiry > TimeSpan.Zero ? untilExpiry : TimeSpan.Zero) : delay;
                    try
                    {
                        await Task.Delay(wait, time, stopping).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // Stopping: one last try, then the caller hands the item back.
                    }

                    if (time.GetUtcNow() >= leaseExpiration())
                    {
                        throw new LeaseLostException("The lease expired while the store was unavailable: the kept result was dropped, and the work is redone under a new lease.");
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
