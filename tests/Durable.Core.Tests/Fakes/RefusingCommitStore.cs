using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Core.Tests.Fakes;

/// <summary>
/// A store that refuses the next commits as a full or read-only disk does (<see cref="StoreUnavailableException"/>,
/// nothing written), and otherwise is the store it wraps.
/// </summary>
internal sealed class RefusingCommitStore : IOrchestrationStore
{
    private readonly IOrchestrationStore inner;
    private int orchestrationRefusals;
    private int activityRefusals;

    public RefusingCommitStore(IOrchestrationStore inner, int orchestrationRefusals, int activityRefusals)
    {
        this.inner = inner;
        this.orchestrationRefusals = orchestrationRefusals;
        this.activityRefusals = activityRefusals;
    }

    public Task CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken) =>
        Interlocked.Decrement(ref this.orchestrationRefusals) >= 0
            ? Task.FromException(new StoreUnavailableException("The disk is full (test)."))
            : this.inner.CompleteOrchestrationAsync(workItem, commit, cancellationToken);

    public Task CompleteActivityAsync(ActivityWorkItem workItem, HistoryEvent result, CancellationToken cancellationToken) =>
        Interlocked.Decrement(ref this.activityRefusals) >= 0
            ? Task.FromException(new StoreUnavailableException("The disk is full (test)."))
            : this.inner.CompleteActivityAsync(workItem, result, cancellationToken);

    public Task InitializeAsync(CancellationToken cancellationToken) => this.inner.InitializeAsync(cancellationToken);

    public Task<CreateInstanceResult> CreateInstanceAsync(NewInstance instance, CancellationToken cancellationToken) => this.inner.CreateInstanceAsync(instance, cancellationToken);

    public Task<EnqueueResult> EnqueueMessageAsync(string instanceId, HistoryEvent message, CancellationToken cancellationToken) => this.inner.EnqueueMessageAsync(instanceId, message, cancellationToken);

    public Task<EnqueueResult> EnqueueEventAsync(string instanceId, HistoryEvent raised, int maxEvents, CancellationToken cancellationToken) => this.inner.EnqueueEventAsync(instanceId, raised, maxEvents, cancellationToken);

    public Task<InstanceRecord?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken) => this.inner.GetInstanceAsync(instanceId, cancellationToken);

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken) => this.inner.GetHistoryAsync(instanceId, cancellationToken);

    public Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken) => this.inner.QueryInstancesAsync(query, cancellationToken);

    public Task<int> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken) => this.inner.PurgeInstanceAsync(instanceId, cancellationToken);

    public Task<int> PurgeInstancesAsync(PurgeFilter filter, CancellationToken cancellationToken) => this.inner.PurgeInstancesAsync(filter, cancellationToken);

    public Task<OrchestrationWorkItem?> LeaseOrchestrationAsync(string owner, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken) =>
        this.inner.LeaseOrchestrationAsync(owner, leaseDuration, maxMessages, cancellationToken);

    public Task AbandonOrchestrationAsync(OrchestrationWorkItem workItem, TimeSpan retryDelay, CancellationToken cancellationToken) =>
        this.inner.AbandonOrchestrationAsync(workItem, retryDelay, cancellationToken);

    public Task<bool> RenewOrchestrationLeaseAsync(OrchestrationWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        this.inner.RenewOrchestrationLeaseAsync(workItem, leaseDuration, cancellationToken);

    public Task<ActivityWorkItem?> LeaseActivityAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken) => this.inner.LeaseActivityAsync(owner, leaseDuration, cancellationToken);

    public Task AbandonActivityAsync(ActivityWorkItem workItem, TimeSpan retryDelay, CancellationToken cancellationToken) => this.inner.AbandonActivityAsync(workItem, retryDelay, cancellationToken);

    public Task<bool> RenewActivityLeaseAsync(ActivityWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        this.inner.RenewActivityLeaseAsync(workItem, leaseDuration, cancellationToken);

    public Task<DateTimeOffset?> GetNextWakeUpTimeAsync(CancellationToken cancellationToken) => this.inner.GetNextWakeUpTimeAsync(cancellationToken);

    public Task<int> ReleaseLeasesAsync(Func<string, bool> ownerIsGone, CancellationToken cancellationToken) => this.inner.ReleaseLeasesAsync(ownerIsGone, cancellationToken);

    public ValueTask DisposeAsync() => this.inner.DisposeAsync();
}
