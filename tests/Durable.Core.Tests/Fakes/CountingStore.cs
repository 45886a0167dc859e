using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Core.Tests.Fakes;

/// <summary>
/// A store that counts its commits (what an episode or an activity queue lease stored, one call each) and the
/// orchestration leases that brought work.
/// </summary>
internal sealed class CountingStore(IOrchestrationStore inner) : DelegatingStore(inner)
{
    private int orchestrationCommits;
    private int activityCommits;
    private int orchestrationLeases;
    private int leasedEvents;
    private int eventsForOwnEpisode;
    private int continuedEpisodes;

    public int OrchestrationCommits => Volatile.Read(ref this.orchestrationCommits);

    public int ActivityCommits => Volatile.Read(ref this.activityCommits);

    public int OrchestrationLeases => Volatile.Read(ref this.orchestrationLeases);

    public override async Task<OrchestrationWorkItem?> LeaseOrchestrationAsync(string owner, TimeSpan leaseDuration, int maxMessages, IReadOnlySet<string> skipInstanceIds, CancellationToken cancellationToken)
    {
        OrchestrationWorkItem? item = await base.LeaseOrchestrationAsync(owner, leaseDuration, maxMessages, skipInstanceIds, cancellationToken);
        if (item is not null)
        {
            Interlocked.Increment(ref this.orchestrationLeases);
        }

        return item;
    }

    /// <summary>Events stored for an instance whose episode ran on the caller.</summary>
    public int EventsForOwnEpisode => Volatile.Read(ref this.eventsForOwnEpisode);

    public override async Task<EnqueueResult> EnqueueEventForOwnEpisodeAsync(string instanceId, HistoryEvent raised, int maxEvents, CancellationToken cancellationToken)
    {
        EnqueueResult result = await base.EnqueueEventForOwnEpisodeAsync(instanceId, raised, maxEvents, cancellationToken);
        Interlocked.Increment(ref this.eventsForOwnEpisode);
        return result;
    }

    /// <summary>Events whose write also leased their instance.</summary>
    public int LeasedEvents => Volatile.Read(ref this.leasedEvents);

    public override async Task<EnqueuedEvent> EnqueueEventLeasedAsync(string instanceId, HistoryEvent raised, int maxEvents, string owner, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken)
    {
        EnqueuedEvent enqueued = await base.EnqueueEventLeasedAsync(instanceId, raised, maxEvents, owner, leaseDuration, maxMessages, cancellationToken);
        if (enqueued.WorkItem is not null)
        {
            Interlocked.Increment(ref this.leasedEvents);
        }

        return enqueued;
    }

    /// <summary>Runs after each plain episode commit, before the commit call returns (the episode's instance still runs then).</summary>
    public Func<OrchestrationWorkItem, Task>? AfterCommit { get; set; }

    public override async Task CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        // Counted first: what the commit stores (a Completed status) is visible to a test before the call returns.
        Interlocked.Increment(ref this.orchestrationCommits);
        await base.CompleteOrchestrationAsync(workItem, commit, cancellationToken);
        if (this.AfterCommit is { } afterCommit)
        {
            await afterCommit(workItem);
        }
    }

    /// <summary>Episodes leased by the commit of the episode before them.</summary>
    public int ContinuedEpisodes => Volatile.Read(ref this.continuedEpisodes);

    public override async Task<bool> CommitIfUnchangedAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        bool committed = await base.CommitIfUnchangedAsync(workItem, commit, cancellationToken);
        if (committed)
        {
            Interlocked.Increment(ref this.orchestrationCommits);
        }

        return committed;
    }

    public override async Task<OrchestrationWorkItem?> CompleteOrchestrationAndLeaseAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref this.orchestrationCommits);
        OrchestrationWorkItem? next = await base.CompleteOrchestrationAndLeaseAsync(workItem, commit, leaseDuration, maxMessages, cancellationToken);
        if (next is not null)
        {
            Interlocked.Increment(ref this.continuedEpisodes);
        }

        return next;
    }

    public override async Task CompleteActivityAsync(ActivityWorkItem workItem, HistoryEvent result, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref this.activityCommits);
        await base.CompleteActivityAsync(workItem, result, cancellationToken);
    }
}
