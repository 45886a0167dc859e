using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Core.Tests.Fakes;

/// <summary>
/// A store whose next leasing writes are stored, lease included, and then reported as of unknown outcome: the
/// connection dropped while the server committed, so the caller never got the work item it leased.
/// </summary>
internal sealed class UnknownOutcomeStore(IOrchestrationStore inner) : DelegatingStore(inner)
{
    private readonly Lock gate = new();
    private int createsToLose;
    private int eventsToLose;
    private int commitsToLose;
    private int handedBack;
    private int releasesToRefuse;
    private int releaseAnswersToLose;

    /// <summary>Leases handed back by their token (<see cref="IOrchestrationStore.ReleaseOrchestrationLeaseAsync"/>).</summary>
    public int HandedBack => Volatile.Read(ref this.handedBack);

    /// <summary>Refuses the next <paramref name="count"/> hand-backs as unavailable (the outage goes on).</summary>
    public void RefuseReleases(int count)
    {
        lock (this.gate)
        {
            this.releasesToRefuse = count;
        }
    }

    /// <summary>Applies the next hand-back but loses its answer (its outcome unknown too).</summary>
    public void LoseNextReleaseAnswer()
    {
        lock (this.gate)
        {
            this.releaseAnswersToLose++;
        }
    }

    /// <summary>Loses the answer of the next leased start.</summary>
    public void LoseNextLeasedCreate() => this.LoseNext(ref this.createsToLose);

    /// <summary>Loses the answer of the next leased event.</summary>
    public void LoseNextLeasedEvent() => this.LoseNext(ref this.eventsToLose);

    /// <summary>Loses the answer of the next commit that leases the instance again.</summary>
    public void LoseNextCommitThatLeases() => this.LoseNext(ref this.commitsToLose);

    public override async Task<OrchestrationWorkItem?> CreateLeasedInstanceAsync(NewInstance instance, string owner, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        this.Lose(await base.CreateLeasedInstanceAsync(instance, owner, leaseDuration, cancellationToken), ref this.createsToLose);

    public override async Task<EnqueuedEvent> EnqueueEventLeasedAsync(string instanceId, HistoryEvent raised, int maxEvents, string owner, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken)
    {
        EnqueuedEvent enqueued = await base.EnqueueEventLeasedAsync(instanceId, raised, maxEvents, owner, leaseDuration, maxMessages, cancellationToken);
        this.Lose(enqueued.WorkItem, ref this.eventsToLose);
        return enqueued;
    }

    public override async Task<OrchestrationWorkItem?> CompleteOrchestrationAndLeaseAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken) =>
        this.Lose(await base.CompleteOrchestrationAndLeaseAsync(workItem, commit, leaseDuration, maxMessages, cancellationToken), ref this.commitsToLose);

    public override async Task<bool> ReleaseOrchestrationLeaseAsync(string instanceId, string owner, long leaseToken, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            if (this.releasesToRefuse > 0)
            {
                this.releasesToRefuse--;
                throw new StoreUnavailableException("The store is unavailable (test).");
            }
        }

        bool released = await base.ReleaseOrchestrationLeaseAsync(instanceId, owner, leaseToken, cancellationToken);
        if (released)
        {
            Interlocked.Increment(ref this.handedBack);
        }

        lock (this.gate)
        {
            if (this.releaseAnswersToLose > 0)
            {
                this.releaseAnswersToLose--;
                throw new StoreUnavailableException("The connection was lost while committing (test).") { OutcomeUnknown = true };
            }
        }

        return released;
    }

    private void LoseNext(ref int toLose)
    {
        lock (this.gate)
        {
            toLose++;
        }
    }

    /// <summary>Passes <paramref name="leased"/> on, or throws the unknown outcome that names its lease when one is to be lost.</summary>
    private OrchestrationWorkItem? Lose(OrchestrationWorkItem? leased, ref int toLose)
    {
        lock (this.gate)
        {
            if (leased is null || toLose == 0)
            {
                return leased;
            }

            toLose--;
        }

        throw new StoreUnavailableException("The connection was lost while committing (test).") { OutcomeUnknown = true, LeaseToken = leased.LeaseToken };
    }
}
