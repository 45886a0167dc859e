using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Core.Tests.Fakes;

/// <summary>
/// A store whose writes of work (commits, renewals) fail while <see cref="Down"/> is set, as through a full disk; leases
/// still work. It counts what happened, and can hold the next commit that records an activity result, so a test can
/// act while that commit's lease is live.
/// </summary>
internal sealed class OutageStore(IOrchestrationStore inner) : DelegatingStore(inner)
{
    private readonly TaskCompletionSource resultCommitHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource releaseResultCommit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int refused;
    private int leases;
    private int commits;
    private volatile bool down;

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

    public override async Task CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref this.commits);
        if (this.Down)
        {
            Interlocked.Increment(ref this.refused);
            throw new StoreUnavailableException("The disk is full (test).");
        }

        if (commit.NewHistory.Any(e => e.EventType == EventType.TaskCompleted) && this.resultCommitHeld.TrySetResult())
        {
            await this.releaseResultCommit.Task;
        }

        await this.Inner.CompleteOrchestrationAsync(workItem, commit, cancellationToken);
    }

    public override Task<bool> RenewOrchestrationLeaseAsync(OrchestrationWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        this.Down ? Task.FromException<bool>(new StoreUnavailableException("The disk is full (test).")) : base.RenewOrchestrationLeaseAsync(workItem, leaseDuration, cancellationToken);

    public override Task<bool> RenewActivityLeaseAsync(ActivityWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        this.Down ? Task.FromException<bool>(new StoreUnavailableException("The disk is full (test).")) : base.RenewActivityLeaseAsync(workItem, leaseDuration, cancellationToken);
}
