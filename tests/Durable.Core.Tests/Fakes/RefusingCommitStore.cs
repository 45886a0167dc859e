using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Core.Tests.Fakes;

/// <summary>
/// A store that refuses the next commits as a full or read-only disk does (<see cref="StoreUnavailableException"/>,
/// nothing written), and otherwise is the store it wraps.
/// </summary>
internal sealed class RefusingCommitStore(IOrchestrationStore inner, int orchestrationRefusals, int activityRefusals) : DelegatingStore(inner)
{
    private int orchestrationRefusals = orchestrationRefusals;
    private int activityRefusals = activityRefusals;

    public override Task CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken) =>
        Interlocked.Decrement(ref this.orchestrationRefusals) >= 0
            ? Task.FromException(new StoreUnavailableException("The disk is full (test)."))
            : this.Inner.CompleteOrchestrationAsync(workItem, commit, cancellationToken);

    public override Task<OrchestrationWorkItem?> CompleteOrchestrationAndLeaseAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken) =>
        Interlocked.Decrement(ref this.orchestrationRefusals) >= 0
            ? Task.FromException<OrchestrationWorkItem?>(new StoreUnavailableException("The disk is full (test)."))
            : this.Inner.CompleteOrchestrationAndLeaseAsync(workItem, commit, leaseDuration, maxMessages, cancellationToken);

    public override Task<bool> CommitIfUnchangedAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken) =>
        Interlocked.Decrement(ref this.orchestrationRefusals) >= 0
            ? Task.FromException<bool>(new StoreUnavailableException("The disk is full (test)."))
            : this.Inner.CommitIfUnchangedAsync(workItem, commit, cancellationToken);

    public override Task CompleteActivityAsync(ActivityWorkItem workItem, HistoryEvent result, CancellationToken cancellationToken) =>
        Interlocked.Decrement(ref this.activityRefusals) >= 0
            ? Task.FromException(new StoreUnavailableException("The disk is full (test)."))
            : this.Inner.CompleteActivityAsync(workItem, result, cancellationToken);
}
