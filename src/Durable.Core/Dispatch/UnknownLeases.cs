using Durable.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Durable.Core.Dispatch;

/// <summary>
/// Hands back leases this host may hold without knowing it. A leasing write (a leased start or event, a commit that
/// leases again) whose outcome was unknown may have stored its lease; the instance would then wait out that lease
/// (<see cref="DurableEngineOptions.LeaseDuration"/>) with nobody running it, a verification stalled for half a minute
/// by one dropped connection. The lease is released by its token, so a lease of the instance taken since (this host's
/// too) is never touched, and retried through the outage until it would have lapsed anyway. Once released, the
/// dispatcher is told to look at the instance.
/// </summary>
internal sealed class UnknownLeases(
    IOrchestrationStore store,
    WorkSignal signal,
    string owner,
    TimeSpan leaseDuration,
    TimeProvider time,
    ILogger logger,
    CancellationToken stopping)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(5);

    /// <summary>Hands back the lease a failed write would have taken, if <paramref name="failure"/> says it may have (in the background).</summary>
    public void HandBackIfStored(string instanceId, Exception failure)
    {
        if (failure is StoreUnavailableException { LeaseToken: long token })
        {
            _ = this.HandBackAsync(instanceId, token);
        }
    }

    private async Task HandBackAsync(string instanceId, long token)
    {
        DateTimeOffset lapses = time.GetUtcNow() + leaseDuration;
        bool mayBeReleased = false;
        for (TimeSpan delay = FirstRetry; ; delay = delay * 2 < MaxRetry ? delay * 2 : MaxRetry)
        {
            try
            {
                bool released = await store.ReleaseOrchestrationLeaseAsync(instanceId, owner, token, stopping).ConfigureAwait(false);
                if (released)
                {
                    Logs.UnknownLeaseHandedBack(logger, instanceId);
                }

                // A release whose own outcome was unknown may have been the one that went through.
                if (released || mayBeReleased)
                {
                    signal.Notify(instanceId);
                }

                return;
            }
            catch (StoreUnavailableException e) when (!stopping.IsCancellationRequested)
            {
                mayBeReleased |= e.OutcomeUnknown;
                if (time.GetUtcNow() + delay >= lapses)
                {
                    // It lapses before the next try: any host takes the instance then.
                    Logs.UnknownLeaseNotHandedBack(logger, instanceId, e);
                    return;
                }
            }
            catch (Exception e)
            {
                // Stopping says nothing: the lease lapses, or this host's restart releases it.
                if (!stopping.IsCancellationRequested)
                {
                    Logs.UnknownLeaseNotHandedBack(logger, instanceId, e);
                }

                return;
            }

            try
            {
                await Task.Delay(delay, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
