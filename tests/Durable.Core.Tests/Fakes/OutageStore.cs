using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Core.Tests.Fakes;

/// <summary>
/// A store that, while <see cref="Down"/> is set, refuses the commits and renewals of the first work item that tries to
/// commit (as a full disk would; everything else goes through), so a test decides exactly when that item's kept commit
/// can land. It counts what happened, and holds the first commit that records an activity result, so a test can act
/// while that commit's lease is live.
/// </summary>
internal sealed class OutageStore(IOrchestrationStore inner) : DelegatingStore(inner)
{
    private readonly TaskCompletionSource resultCommitHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource releaseResultCommit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private OrchestrationWorkItem? first;
    private int refused;
    private int leases;
    private int commits;
    private volatile bool down;

    /// <summary>Gets or sets whether the first item's writes are refused.</summary>
    public bool Down
    {
        get => this.down;
        set => this.down = value;
    }

    public int Refused => Volatile.Read(ref this.refused);

    public int Leases => Volatile.Read(ref this.leases);

    public int Commits => Volatile.Read(ref this.commits);

    /// <summary>Completes once a commit recording an activity result waits in <see cref="CompleteOrchestrationAsync"/>.</summary>
    public Task ResultCommitHeld => this.resultCommitHeld.Task;

    /// <summary>Lets the held commit go on.</summary>
    public void ReleaseResultCommit() => this.releaseResultCommit.TrySetResult();

    public override async Task<OrchestrationWorkItem?> LeaseOrchestrationAsync(string owner, TimeSpan leaseDuration, int maxMessages, IReadOnlySet<string> skipInstanceIds, CancellationToken cancellationToken)
    {
        OrchestrationWorkItem? item = await this.Inner.LeaseOrchestrationAsync(owner, leaseDuration, maxMessages, skipInstanceIds, cancellationToken);
        if (item is not null)
        {
            Interlocked.Increment(ref this.leases);
        }

        return item;
    }

    // An instance the client starts on a running host is created leased to it: that is its first lease.
    public override async Task<OrchestrationWorkItem?> CreateLeasedInstanceAsync(NewInstance instance, string owner, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        OrchestrationWorkItem? item = await this.Inner.CreateLeasedInstanceAsync(instance, owner, leaseDuration, cancellationToken);
        if (item is not null)
        {
            Interlocked.Increment(ref this.leases);
        }

        return item;
    }

    // An event a running host takes for a free instance leases it: that is a lease too.
    public override async Task<EnqueuedEvent> EnqueueEventLeasedAsync(string instanceId, HistoryEvent raised, int maxEvents, string owner, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken)
    {
        EnqueuedEvent enqueued = await this.Inner.EnqueueEventLeasedAsync(instanceId, raised, maxEvents, owner, leaseDuration, maxMessages, cancellationToken);
        if (enqueued.WorkItem is not null)
        {
            Interlocked.Increment(ref this.leases);
        }

        return enqueued;
    }

    public override async Task CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        await this.BeforeCommitAsync(workItem, commit);
        await this.Inner.CompleteOrchestrationAsync(workItem, commit, cancellationToken);
    }

    public override async Task<OrchestrationWorkItem?> CompleteOrchestrationAndLeaseAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken)
    {
        await this.BeforeCommitAsync(workItem, commit);
        return await this.Inner.CompleteOrchestrationAndLeaseAsync(workItem, commit, leaseDuration, maxMessages, cancellationToken);
    }

    public override async Task<bool> CommitIfUnchangedAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        await this.BeforeCommitAsync(workItem, commit);
        return await this.Inner.CommitIfUnchangedAsync(workItem, commit, cancellationToken);
    }

    /// <summary>Counts a commit, refuses it while the store is down, and holds the first that records an activity result.</summary>
    private async Task BeforeCommitAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit)
    {
        Interlocked.Increment(ref this.commits);
        Interlocked.CompareExchange(ref this.first, workItem, null);
        if (this.Refuses(workItem))
        {
            Interlocked.Increment(ref this.refused);
            throw new StoreUnavailableException("The disk is full (test).");
        }

        if (commit.NewHistory.Any(e => e.EventType == EventType.TaskCompleted) && this.resultCommitHeld.TrySetResult())
        {
            await this.releaseResultCommit.Task;
        }
    }

    public override Task<bool> RenewOrchestrationLeaseAsync(OrchestrationWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        this.Refuses(workItem) ? Task.FromException<bool>(new StoreUnavailableException("The disk is full (test).")) : base.RenewOrchestrationLeaseAsync(workItem, leaseDuration, cancellationToken);

    private bool Refuses(OrchestrationWorkItem workItem) => this.down && ReferenceEquals(workItem, Volatile.Read(ref this.first));
}
