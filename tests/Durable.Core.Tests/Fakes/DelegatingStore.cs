using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Core.Tests.Fakes;

/// <summary>A store that passes every call to the one it wraps; fakes override the calls they script.</summary>
internal abstract class DelegatingStore(IOrchestrationStore inner) : IOrchestrationStore
{
    protected IOrchestrationStore Inner { get; } = inner;

    public virtual Task CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken) =>
        this.Inner.CompleteOrchestrationAsync(workItem, commit, cancellationToken);

    public virtual Task<OrchestrationWorkItem?> CompleteOrchestrationAndLeaseAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken) =>
        this.Inner.CompleteOrchestrationAndLeaseAsync(workItem, commit, leaseDuration, maxMessages, cancellationToken);

    public virtual Task<bool> CommitIfUnchangedAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken) =>
        this.Inner.CommitIfUnchangedAsync(workItem, commit, cancellationToken);

    public virtual Task CompleteActivityAsync(ActivityWorkItem workItem, HistoryEvent result, CancellationToken cancellationToken) =>
        this.Inner.CompleteActivityAsync(workItem, result, cancellationToken);

    public Task InitializeAsync(CancellationToken cancellationToken) => this.Inner.InitializeAsync(cancellationToken);

    public Task<CreateInstanceResult> CreateInstanceAsync(NewInstance instance, CancellationToken cancellationToken) => this.Inner.CreateInstanceAsync(instance, cancellationToken);

    public virtual Task<OrchestrationWorkItem?> CreateLeasedInstanceAsync(NewInstance instance, string owner, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        this.Inner.CreateLeasedInstanceAsync(instance, owner, leaseDuration, cancellationToken);

    public Task<EnqueueResult> EnqueueMessageAsync(string instanceId, HistoryEvent message, CancellationToken cancellationToken) => this.Inner.EnqueueMessageAsync(instanceId, message, cancellationToken);

    public Task<EnqueueResult> EnqueueEventAsync(string instanceId, HistoryEvent raised, int maxEvents, CancellationToken cancellationToken) => this.Inner.EnqueueEventAsync(instanceId, raised, maxEvents, cancellationToken);

    public virtual Task<EnqueueResult> EnqueueEventForOwnEpisodeAsync(string instanceId, HistoryEvent raised, int maxEvents, CancellationToken cancellationToken) =>
        this.Inner.EnqueueEventForOwnEpisodeAsync(instanceId, raised, maxEvents, cancellationToken);

    public virtual Task<EnqueuedEvent> EnqueueEventLeasedAsync(string instanceId, HistoryEvent raised, int maxEvents, string owner, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken) =>
        this.Inner.EnqueueEventLeasedAsync(instanceId, raised, maxEvents, owner, leaseDuration, maxMessages, cancellationToken);

    public Task<InstanceRecord?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken) => this.Inner.GetInstanceAsync(instanceId, cancellationToken);

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken) => this.Inner.GetHistoryAsync(instanceId, cancellationToken);

    public Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken) => this.Inner.QueryInstancesAsync(query, cancellationToken);

    public Task<int> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken) => this.Inner.PurgeInstanceAsync(instanceId, cancellationToken);

    public Task<int> PurgeInstancesAsync(PurgeFilter filter, CancellationToken cancellationToken) => this.Inner.PurgeInstancesAsync(filter, cancellationToken);

    public virtual Task<OrchestrationWorkItem?> LeaseOrchestrationAsync(string owner, TimeSpan leaseDuration, int maxMessages, IReadOnlySet<string> skipInstanceIds, CancellationToken cancellationToken) =>
        this.Inner.LeaseOrchestrationAsync(owner, leaseDuration, maxMessages, skipInstanceIds, cancellationToken);

    public Task AbandonOrchestrationAsync(OrchestrationWorkItem workItem, TimeSpan retryDelay, CancellationToken cancellationToken) =>
        this.Inner.AbandonOrchestrationAsync(workItem, retryDelay, cancellationToken);

    public virtual Task<bool> ReleaseOrchestrationLeaseAsync(string instanceId, string owner, long leaseToken, CancellationToken cancellationToken) =>
        this.Inner.ReleaseOrchestrationLeaseAsync(instanceId, owner, leaseToken, cancellationToken);

    public virtual Task<bool> RenewOrchestrationLeaseAsync(OrchestrationWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        this.Inner.RenewOrchestrationLeaseAsync(workItem, leaseDuration, cancellationToken);

    public Task<ActivityWorkItem?> LeaseActivityAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken) => this.Inner.LeaseActivityAsync(owner, leaseDuration, cancellationToken);

    public Task AbandonActivityAsync(ActivityWorkItem workItem, TimeSpan retryDelay, CancellationToken cancellationToken) => this.Inner.AbandonActivityAsync(workItem, retryDelay, cancellationToken);

    public virtual Task<bool> RenewActivityLeaseAsync(ActivityWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        this.Inner.RenewActivityLeaseAsync(workItem, leaseDuration, cancellationToken);

    public Task<DateTimeOffset?> GetNextWakeUpTimeAsync(CancellationToken cancellationToken) => this.Inner.GetNextWakeUpTimeAsync(cancellationToken);

    public Task<int> ReleaseLeasesAsync(Func<string, bool> ownerIsGone, CancellationToken cancellationToken) => this.Inner.ReleaseLeasesAsync(ownerIsGone, cancellationToken);

    public ValueTask DisposeAsync() => this.Inner.DisposeAsync();
}
