using Durable.Core.History;

namespace Durable.Core.Storage;

/// <summary>
/// The durable state of one task hub: instance rows, histories, inboxes (new events, including delayed
/// ones that implement timers) and the activity task queue. Every method is one transaction. All times
/// come from the store's <see cref="TimeProvider"/>, so a fake clock drives visibility and lease expiry.
/// Implementations: in-memory (tests), SQLite, PostgreSQL; the shared contract suite defines the semantics.
/// </summary>
public interface IOrchestrationStore : IAsyncDisposable
{
    /// <summary>An empty skip list for <see cref="LeaseOrchestrationAsync(string, TimeSpan, int, IReadOnlySet{string}, CancellationToken)"/>.</summary>
    static readonly IReadOnlySet<string> NoInstances = new HashSet<string>();

    /// <summary>Creates or migrates the schema. Idempotent; called once before any other member.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Creates the instance row (Pending) and inbox row holding <see cref="NewInstance.StartEvent"/>.
    /// An existing terminal instance with that id is replaced: its history, inbox and tasks are deleted.
    /// An existing non-terminal one is left untouched and <see cref="CreateInstanceResult.AlreadyExists"/> returned.
    /// </summary>
    Task<CreateInstanceResult> CreateInstanceAsync(NewInstance instance, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the instance as <see cref="CreateInstanceAsync"/> does, leased to <paramref name="owner"/> from the start,
    /// and returns the work item of its first episode: the new row (Pending), no history, and the start message, counted
    /// as leased once. The host that starts an instance runs that episode without a lease call of its own, and no other
    /// host needs waking for it; if that host dies, the lease lapses and any host takes the instance, as after any lease.
    /// Null when an instance with that id exists and is not terminal (nothing written).
    /// </summary>
    Task<OrchestrationWorkItem?> CreateLeasedInstanceAsync(NewInstance instance, string owner, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a client message (event raised, terminate, suspend, resume) to an instance's inbox, unless
    /// the instance does not exist (<see cref="EnqueueResult.NotFound"/>) or is terminal (<see cref="EnqueueResult.Gone"/>).
    /// An <see cref="EventType.ExecutionRewound"/> message is also accepted by a Failed instance (the one terminal state a
    /// rewind revives). The check and the insert are one transaction, so an accepted message is never lost to a race.
    /// </summary>
    Task<EnqueueResult> EnqueueMessageAsync(string instanceId, HistoryEvent message, CancellationToken cancellationToken);

    /// <summary>
    /// Adds an <see cref="EventType.EventRaised"/> message as <see cref="EnqueueMessageAsync"/> does, unless the
    /// instance's current execution already has <paramref name="maxEvents"/> raised events, counted in its history and
    /// its inbox together (<see cref="EnqueueResult.LimitReached"/>). Count and insert are one transaction serialized per
    /// instance, so callers on any number of hosts together never store more than the cap; no history is read.
    /// </summary>
    Task<EnqueueResult> EnqueueEventAsync(string instanceId, HistoryEvent raised, int maxEvents, CancellationToken cancellationToken);

    /// <summary>
    /// Adds the event as <see cref="EnqueueEventAsync"/> does, for an instance an episode of which the caller is running:
    /// the caller looks again once that episode ends, so a store that wakes other hosts for new work need not wake them
    /// for this (they could not lease the instance now). By default the same as <see cref="EnqueueEventAsync"/>.
    /// </summary>
    Task<EnqueueResult> EnqueueEventForOwnEpisodeAsync(string instanceId, HistoryEvent raised, int maxEvents, CancellationToken cancellationToken) =>
        this.EnqueueEventAsync(instanceId, raised, maxEvents, cancellationToken);

    /// <summary>
    /// Adds the event as <see cref="EnqueueEventAsync"/> does and, in the same transaction, leases the instance to
    /// <paramref name="owner"/> when it is then free (no live lease), not terminal and has visible inbox rows (the accepted
    /// event among them): the work item is the one <see cref="LeaseOrchestrationAsync(string, TimeSpan, int, IReadOnlySet{string}, CancellationToken)"/>
    /// would have returned for it, its messages counted as leased once. The host that took the event then runs the
    /// episode without a lease call of its own, and no other host needs waking for it; if that host dies, the lease lapses
    /// and any host takes the instance, as after any lease. Otherwise the work item is null and the event waits for a lease;
    /// a store that wakes other hosts for new work need not wake them when the caller's own live lease holds the instance
    /// (its episode runs on the caller, which looks again after it).
    /// </summary>
    Task<EnqueuedEvent> EnqueueEventLeasedAsync(string instanceId, HistoryEvent raised, int maxEvents, string owner, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken);

    /// <summary>The instance row, or null.</summary>
    Task<InstanceRecord?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>The current execution's history in order; empty for an unknown instance.</summary>
    Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>One page of instances matching the query, ordered by created time then id.</summary>
    Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes a terminal instance with all its rows. Returns 1, or 0 if unknown or not terminal.</summary>
    Task<int> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Deletes the terminal instances matching the filter with all their rows; returns how many.</summary>
    Task<int> PurgeInstancesAsync(PurgeFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// Leases one instance that has at least one visible inbox row and no live lease (none, or expired):
    /// sets the lease, increments the dequeue count of the rows it takes, and returns the row, the whole
    /// current-execution history and up to <paramref name="maxMessages"/> visible inbox rows in the order
    /// they became visible (visible time, then sequence): an event raised before a timer's due time is
    /// delivered before that timer even when both wait out a host's downtime. Instances whose earliest
    /// visible row is earliest go first. Instances in <paramref name="skipInstanceIds"/> are never leased: a dispatcher
    /// names the instances it is still running, so an episode whose lease lapsed (a commit kept through a store outage)
    /// never runs beside its own next lease. Every lease gets a new <see cref="OrchestrationWorkItem.LeaseToken"/>.
    /// Null when there is no such instance. <see cref="OrchestrationWorkItem.MoreWorkVisible"/> is false only when no other
    /// instance could have been leased by this call (instances held by a live lease or skipped do not count, nor the
    /// leased instance's own messages beyond <paramref name="maxMessages"/>).
    /// </summary>
    Task<OrchestrationWorkItem?> LeaseOrchestrationAsync(string owner, TimeSpan leaseDuration, int maxMessages, IReadOnlySet<string> skipInstanceIds, CancellationToken cancellationToken);

    /// <summary>Leases one instance as <see cref="LeaseOrchestrationAsync(string, TimeSpan, int, IReadOnlySet{string}, CancellationToken)"/>, skipping none.</summary>
    Task<OrchestrationWorkItem?> LeaseOrchestrationAsync(string owner, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken) =>
        this.LeaseOrchestrationAsync(owner, leaseDuration, maxMessages, NoInstances, cancellationToken);

    /// <summary>
    /// Applies <paramref name="commit"/> and releases the lease, in one transaction. When the commit's status is
    /// terminal, inbox rows stamped with the finished execution id (pending timers, late results) are deleted
    /// too: a cancelled 90-second timer must not linger. Messages to instances that do not exist are dropped. Throws
    /// <see cref="LeaseLostException"/> and writes nothing unless this very lease is still live: same token, same
    /// execution, not expired. An older lease of the same owner is a lost lease.
    /// </summary>
    Task CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="commit"/> as <see cref="CompleteOrchestrationAsync"/> does and, in the same transaction,
    /// leases the instance again to the same owner when it then has visible inbox rows and is not terminal (an event that
    /// arrived while the episode ran, or a message the episode sent itself): the next episode then runs without a lease
    /// call, as Temporal's workflow task completion can hand back the next task. The work item is the one a lease would
    /// have brought (a new <see cref="OrchestrationWorkItem.LeaseToken"/>, its messages counted as leased once), with the
    /// history as this commit left it. Null, with the lease released, when there is nothing to lease; a lost lease throws
    /// <see cref="LeaseLostException"/> and writes and leases nothing.
    /// </summary>
    Task<OrchestrationWorkItem?> CompleteOrchestrationAndLeaseAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken);

    /// <summary>
    /// Commits an episode its caller ran without a lease, on the instance as that caller last committed it: an event
    /// answered at once instead of queued. <paramref name="workItem"/> holds that instance's row and whole history, no
    /// messages, and a lease (owner, token, expiration) that no store holds yet. In one transaction, when the instance is
    /// still free (no live lease), on that execution, in that status, with exactly that many history events and no
    /// visible inbox row, the store takes that lease and applies <paramref name="commit"/> as
    /// <see cref="CompleteOrchestrationAsync"/> does (which releases it) and returns true. Otherwise it writes nothing
    /// and returns false, and the caller stores its event the usual way. The event the episode ran on is in the commit's
    /// history only: it never enters the inbox.
    /// </summary>
    Task<bool> CommitIfUnchangedAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken);

    /// <summary>
    /// Releases the lease without changes; the instance can be leased again (with the same messages, in the
    /// same order) after <paramref name="retryDelay"/>. A no-op when the lease was already lost (taken again, by anyone).
    /// </summary>
    Task AbandonOrchestrationAsync(OrchestrationWorkItem workItem, TimeSpan retryDelay, CancellationToken cancellationToken);

    /// <summary>
    /// Releases the lease of <paramref name="instanceId"/> that <paramref name="owner"/> took with
    /// <paramref name="leaseToken"/>, if that very lease is on the instance: the instance is leasable again at once, its
    /// messages' dequeue counts kept. For a lease its owner never saw: a leasing write whose outcome was unknown
    /// (<see cref="StoreUnavailableException.LeaseToken"/>). Any other lease, this owner's included, is untouched.
    /// True when released.
    /// </summary>
    Task<bool> ReleaseOrchestrationLeaseAsync(string instanceId, string owner, long leaseToken, CancellationToken cancellationToken);

    /// <summary>Extends this lease (same token, not expired); false when it was already lost. Updates <see cref="OrchestrationWorkItem.LeaseExpiration"/>.</summary>
    Task<bool> RenewOrchestrationLeaseAsync(OrchestrationWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>
    /// Leases the oldest visible activity task without a live lease, incrementing its dequeue count; null when none.
    /// <see cref="ActivityWorkItem.MoreWorkVisible"/> is false only when no other task could have been leased by this call.
    /// </summary>
    Task<ActivityWorkItem?> LeaseActivityAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the task and, when its instance still runs the same execution (not terminal), adds
    /// <paramref name="result"/> (TaskCompleted or TaskFailed) to that instance's inbox, in one transaction.
    /// Throws <see cref="LeaseLostException"/> and writes nothing unless this very lease (same token) is still live.
    /// </summary>
    Task CompleteActivityAsync(ActivityWorkItem workItem, HistoryEvent result, CancellationToken cancellationToken);

    /// <summary>Releases the task's lease; it becomes visible again after <paramref name="retryDelay"/>. No-op when lost (taken again, by anyone).</summary>
    Task AbandonActivityAsync(ActivityWorkItem workItem, TimeSpan retryDelay, CancellationToken cancellationToken);

    /// <summary>Extends the task's lease (same token, not expired); false when it was already lost.</summary>
    Task<bool> RenewActivityLeaseAsync(ActivityWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>
    /// The earliest future time at which an inbox row or task becomes visible or a lease expires, or null.
    /// Dispatchers sleep until then (or until woken in-process) instead of polling tightly.
    /// </summary>
    Task<DateTimeOffset?> GetNextWakeUpTimeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Releases, in one transaction, every lease (orchestration and activity) whose owner <paramref name="ownerIsGone"/>
    /// judges gone, so that work is leasable again at once instead of after the lease expires. A host calls it when it
    /// starts, for the leases of a killed process of its machine. Dequeue counts are kept (the dead attempt counted);
    /// owners the predicate rejects, and a store's own markers, are untouched. Returns how many leases were released.
    /// </summary>
    Task<int> ReleaseLeasesAsync(Func<string, bool> ownerIsGone, CancellationToken cancellationToken);
}
