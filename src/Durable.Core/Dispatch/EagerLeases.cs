using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Core.Dispatch;

/// <summary>
/// The client's writes that wake an instance: a start, and a raised event. While a slot for an episode is free, the write
/// also leases the instance to this host, and the episode it wakes runs here at once (Temporal's eager workflow start):
/// no lease round trip for it, and no other host woken to race for it. Otherwise, while the engine is not running (a
/// command line's client), or when the instance is not free (an episode of it runs, here or elsewhere), the write only
/// stores and announces, and any host's dispatcher leases the instance; an event for an episode running here is the
/// exception (<see cref="RaiseAsync"/>).
/// </summary>
/// <remarks>
/// A host that dies after such a write committed leaves the instance to its lease: any host takes it once the lease
/// lapses (a restart of this host on its machine at once), as after a crash during any episode. A write whose outcome
/// was unknown (the connection died with it in flight) hands its lease back by its token (<see cref="UnknownLeases"/>).
/// </remarks>
internal sealed class EagerLeases(
    IOrchestrationStore store,
    WorkDispatcher<OrchestrationWorkItem> dispatcher,
    OrchestrationProcessor processor,
    RestingInstances? resting,
    WorkSignal signal,
    string owner,
    TimeSpan leaseDuration,
    int maxMessages,
    UnknownLeases unknownLeases)
{
    // How long an event waits for an episode of its instance running here to end before it is stored the usual way.
    // Wall-clock time on purpose: it bounds a wait for this process's own work, not a durable timer.
    private static readonly TimeSpan EpisodeWaitBound = TimeSpan.FromMilliseconds(100);

    public async Task<CreateInstanceResult> CreateAsync(NewInstance instance, CancellationToken cancellationToken)
    {
        if (!dispatcher.TryReserve())
        {
            CreateInstanceResult created = await store.CreateInstanceAsync(instance, cancellationToken).ConfigureAwait(false);
            if (created == CreateInstanceResult.Created)
            {
                signal.Notify(instance.InstanceId);
            }

            return created;
        }

        long notificationsBefore = signal.Notifications;
        OrchestrationWorkItem? item = await this.ReservedAsync(instance.InstanceId, () => store.CreateLeasedInstanceAsync(instance, owner, leaseDuration, cancellationToken)).ConfigureAwait(false);
        if (item is null)
        {
            dispatcher.Unreserve();
            return CreateInstanceResult.AlreadyExists;
        }

        dispatcher.Run(item, notificationsBefore);
        return CreateInstanceResult.Created;
    }

    /// <summary>Stores <paramref name="raised"/> under the per-instance cap (<see cref="IOrchestrationStore.EnqueueEventAsync"/>).</summary>
    /// <remarks>
    /// An event for an instance whose episode runs here most often arrives as that episode commits (the answer to the SMS
    /// the episode just sent). Its write then waits for the commit and leases the instance it released, and the episode it
    /// wakes runs on this host right after the one before (<see cref="WorkDispatcher{TItem}.Run"/>). Had the event's write
    /// come first, the episode's commit leases the instance again itself, told to by the mark made before the write
    /// (<see cref="WorkSignal.Expect"/>). Either way no lease call and no other host woken; should the instance's lease
    /// have lapsed in an outage and another host hold it now, that host is woken.
    /// </remarks>
    public async Task<EnqueueResult> RaiseAsync(string instanceId, HistoryEvent raised, int maxEvents, CancellationToken cancellationToken)
    {
        EventBudget.Check(raised, maxEvents);
        if (resting is not null && dispatcher.IsRunning(instanceId))
        {
            // Most often the answer to what that very episode just sent, arriving as it commits: answered on the copy its
            // commit leaves. An episode that runs on (an activity it runs itself) does not hold the event back for long.
            try
            {
                await dispatcher.WhenStoppedAsync(instanceId).WaitAsync(EpisodeWaitBound, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Still running: the event is stored the usual way, below.
            }
        }

        if (await this.TryAnswerAsync(instanceId, raised, maxEvents, cancellationToken).ConfigureAwait(false))
        {
            return EnqueueResult.Accepted;
        }

        bool ownEpisode = dispatcher.IsRunning(instanceId);
        if (ownEpisode)
        {
            signal.Expect(instanceId);
        }

        if (!dispatcher.TryReserve())
        {
            // No slot to run an episode on: only store it. For an instance whose episode runs here, other hosts are not
            // woken (they could not lease it); this host looks again after that episode (the notification marks it).
            EnqueueResult result = await (ownEpisode
                ? store.EnqueueEventForOwnEpisodeAsync(instanceId, raised, maxEvents, cancellationToken)
                : store.EnqueueEventAsync(instanceId, raised, maxEvents, cancellationToken)).ConfigureAwait(false);
            if (result == EnqueueResult.Accepted)
            {
                signal.Notify(instanceId);
            }

            return result;
        }

        long notificationsBefore = signal.Notifications;
        EnqueuedEvent enqueued = await this.ReservedAsync(instanceId, () => store.EnqueueEventLeasedAsync(instanceId, raised, maxEvents, owner, leaseDuration, maxMessages, cancellationToken)).ConfigureAwait(false);
        if (enqueued.WorkItem is { } item)
        {
            dispatcher.Run(item, notificationsBefore);
        }
        else
        {
            dispatcher.Unreserve();
            if (enqueued.Result == EnqueueResult.Accepted)
            {
                // Not free: whoever holds it, this host included, looks again after its episode.
                signal.Notify(instanceId);
            }
        }

        return enqueued.Result;
    }

    /// <summary>
    /// Answers an event for an instance that waits as its last commit here left it (<see cref="RestingInstances"/>): its
    /// episode runs on that copy, on a free slot, and is committed in the event's own write
    /// (<see cref="OrchestrationProcessor.TryAnswerAsync"/>). False, with nothing written, when the instance does not rest
    /// here, no slot is free, the event would reach the instance's cap (the store's enqueue then says so), or the store
    /// saw the instance change.
    /// </summary>
    private async Task<bool> TryAnswerAsync(string instanceId, HistoryEvent raised, int maxEvents, CancellationToken cancellationToken)
    {
        if (resting?.Take(instanceId) is not { } waiting
            || waiting.History.Count(e => e.EventType == EventType.EventRaised) >= maxEvents
            || !dispatcher.TryReserve())
        {
            return false;
        }

        try
        {
            return await processor.TryAnswerAsync(waiting, raised, owner, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            dispatcher.Unreserve();
        }
    }

    /// <summary>
    /// Runs a write made on a reserved slot; a failed one gives the slot back, and hands back the lease it may have
    /// stored with an unknown outcome.
    /// </summary>
    private async Task<T> ReservedAsync<T>(string instanceId, Func<Task<T>> write)
    {
        try
        {
            return await write().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            dispatcher.Unreserve();
            unknownLeases.HandBackIfStored(instanceId, e);
            throw;
        }
    }
}
