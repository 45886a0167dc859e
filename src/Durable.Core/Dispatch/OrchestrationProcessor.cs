using Durable.Core.Diagnostics;
using Durable.Core.Execution;
using Durable.Core.History;
using Durable.Core.Storage;
using Microsoft.Extensions.Logging;
using SpanContext = System.Diagnostics.ActivityContext;

namespace Durable.Core.Dispatch;

/// <summary>
/// Runs one orchestration work item: reconciles the leased messages with the instance, replays the
/// episode, and commits the result in one store call. A failure to run (not a user exception, which
/// fails the instance) abandons the item so its messages are retried. The lease, commit and abandon
/// steps are <see cref="WorkItemProcessor{TWorkItem, TResult}"/>'s.
/// </summary>
internal sealed class OrchestrationProcessor : WorkItemProcessor<OrchestrationWorkItem, OrchestrationCommit>
{
    // Most inline rounds in one episode: a longer chain goes on in the next episode, so a crash never redoes more than
    // this many of its steps, and the instance's history and events are not held back for the whole chain.
    private const int MaxInlineRounds = 8;

    private readonly IOrchestrationStore store;
    private readonly IOrchestratorInvoker invoker;
    private readonly EngineSignals signals;
    private readonly InlineActivities? inlineActivities;
    private readonly UnknownLeases unknownLeases;
    private readonly RestingInstances? resting;

    // The longest an idle dispatcher sleeps before it asks the store for its next due time again.
    private readonly TimeSpan pollingCap;

    // inlineActivities runs the activities an episode schedules inside it; null sends them all to the activity queue.
    // resting keeps the instances this host's commits left waiting, for TryAnswerAsync; null keeps none.
    public OrchestrationProcessor(IOrchestrationStore store, IOrchestratorInvoker invoker, InlineActivities? inlineActivities, RestingInstances? resting, DurableEngineOptions options, TimeSpan pollingCap, TimeProvider time, EngineSignals signals, UnknownLeases unknownLeases, ILogger logger, DurableTelemetry telemetry)
        : base("orchestration", options, time, logger, telemetry)
    {
        this.resting = resting;
        this.store = store;
        this.invoker = invoker;
        this.inlineActivities = inlineActivities;
        this.pollingCap = pollingCap;
        this.signals = signals;
        this.unknownLeases = unknownLeases;
    }

    protected override string InstanceIdOf(OrchestrationWorkItem workItem) => workItem.Instance.InstanceId;

    protected override string NameOf(OrchestrationWorkItem workItem) => workItem.Instance.Name;

    protected override int AttemptsOf(OrchestrationWorkItem workItem) => workItem.Messages.Count == 0 ? 0 : workItem.Messages.Max(m => m.DequeueCount);

    protected override DateTimeOffset LeaseExpirationOf(OrchestrationWorkItem workItem) => workItem.LeaseExpiration;

    // A finished instance has nothing to fail: its late messages are only consumed.
    protected override bool CanPark(OrchestrationWorkItem workItem) => !workItem.Instance.Status.IsTerminal();

    // An episode's trace is the one its messages carry.
    protected override IWorkItemScope<OrchestrationCommit> StartScope(OrchestrationWorkItem workItem, SpanContext parent) =>
        this.Telemetry.StartEpisode(workItem, this.Time.GetUtcNow());

    protected override Task<OrchestrationCommit> RunAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken)
    {
        // The episode changes the instance: until its commit, an event for it is stored, not answered on the old copy.
        this.resting?.Forget(workItem.Instance.InstanceId);
        return this.RunEpisodeAsync(workItem, inline: true, cancellationToken);
    }

    /// <summary>
    /// Runs the episode <paramref name="raised"/> wakes on an instance as its last commit here left it, without a lease,
    /// and commits it in the event's own write (<see cref="IOrchestrationStore.CommitIfUnchangedAsync"/>): one round trip
    /// instead of the event's write, a lease and a commit, and the answer's effects are stored when the write returns.
    /// False, with nothing written, when the store saw the instance change since or the episode could not run: the
    /// caller then stores the event as usual. The activities it schedules go to the queue, so the write never waits for
    /// them.
    /// </summary>
    public async Task<bool> TryAnswerAsync(RestingInstances.Resting resting, HistoryEvent raised, string owner, CancellationToken cancellationToken)
    {
        DateTimeOffset now = this.Time.GetUtcNow();
        InstanceRecord instance = resting.Instance;
        OrchestrationMessage message = new(0, instance.InstanceId, null, raised, now, 1);
        OrchestrationWorkItem workItem = new(instance, resting.History, [message], owner, LeaseTokens.New(), now + this.Options.LeaseDuration);
        using EpisodeScope scope = this.Telemetry.StartEpisode(workItem, now);
        OrchestrationCommit commit;
        try
        {
            // The event is in the commit's history only: there is no inbox row to consume.
            commit = await this.RunEpisodeAsync(workItem, inline: false, cancellationToken).ConfigureAwait(false) with { ConsumedMessages = [] };
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Left to an ordinary episode and its retries.
            this.LogAbandoned(workItem, TimeSpan.Zero, e);
            return false;
        }

        scope.CommitStarting(commit);
        if (!await this.store.CommitIfUnchangedAsync(workItem, commit, cancellationToken).ConfigureAwait(false))
        {
            scope.InstanceChanged();
            return false;
        }

        scope.Committed(commit);
        this.KeepResting(workItem, commit);
        this.OnCommitted(workItem, commit);
        return true;
    }

    /// <summary>
    /// Commits the episode. When work for the instance is known to be waiting (an event taken here, or a message sent to
    /// it, while the episode ran; or one it sent itself, due now), the commit leases the instance again in the same write
    /// and the next episode runs on this slot at once: no lease round trip, and no wait for the lease loop. The instance's
    /// watch starts anew from before that write, so whatever arrives after the lease took its messages is looked at after
    /// the next episode. Otherwise a plain commit: leasing again would most often find nothing.
    /// </summary>
    protected override async Task<OrchestrationWorkItem?> CompleteAsync(OrchestrationWorkItem workItem, OrchestrationCommit result)
    {
        string instanceId = workItem.Instance.InstanceId;
        WorkSignal signal = this.signals.Orchestrations;
        DateTimeOffset now = this.Time.GetUtcNow();
        bool workWaits = signal.WorkExpected(instanceId) || result.Messages.Any(m => m.InstanceId == instanceId && (m.VisibleTime is not { } visible || visible <= now));
        if (!workWaits)
        {
            await this.store.CompleteOrchestrationAsync(workItem, result, CancellationToken.None).ConfigureAwait(false);
            this.KeepResting(workItem, result);
            return null;
        }

        long notificationsBefore = signal.Notifications;
        OrchestrationWorkItem? next;
        try
        {
            next = await this.store.CompleteOrchestrationAndLeaseAsync(workItem, result, this.Options.LeaseDuration, this.Options.MaxMessagesPerEpisode, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Stored or not, the commit is tried again (StoreOutage): its own lease decides. The next lease it may have
            // stored is handed back.
            this.unknownLeases.HandBackIfStored(instanceId, e);
            throw;
        }

        if (next is not null)
        {
            signal.Watch(instanceId, notificationsBefore);
        }
        else
        {
            this.KeepResting(workItem, result);
        }

        return next;
    }

    /// <summary>Keeps the instance as <paramref name="commit"/> left it, if it now waits, for the next event's <see cref="TryAnswerAsync"/>.</summary>
    private void KeepResting(OrchestrationWorkItem workItem, OrchestrationCommit commit) =>
        this.resting?.Keep(commit.AppliedTo(workItem.Instance), workItem.HistoryAfter(commit));

    protected override Task<bool> RenewLeaseAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken) =>
        this.store.RenewOrchestrationLeaseAsync(workItem, this.Options.LeaseDuration, cancellationToken);

    protected override async Task AbandonAsync(OrchestrationWorkItem workItem, TimeSpan retryDelay)
    {
        await this.store.AbandonOrchestrationAsync(workItem, retryDelay, CancellationToken.None).ConfigureAwait(false);

        // The dispatcher looks again after the item, and so learns the retry time.
        this.signals.Orchestrations.Notify(workItem.Instance.InstanceId);
    }

    // Its messages are still there (a lapsed lease nobody took is this host's to take again once the item is done).
    protected override void OnLeaseLost(OrchestrationWorkItem workItem) => this.signals.Orchestrations.Notify(workItem.Instance.InstanceId);

    protected override void OnCommitted(OrchestrationWorkItem workItem, OrchestrationCommit result)
    {
        this.signals.Committed(workItem.Instance.InstanceId, result, this.Time.GetUtcNow(), this.pollingCap);

        // A full lease may have left messages behind that were there before it, so nobody announces them again.
        if (workItem.Messages.Count >= this.Options.MaxMessagesPerEpisode)
        {
            this.signals.Orchestrations.Notify(workItem.Instance.InstanceId);
        }

        if (result.Status.IsTerminal())
        {
            Logs.InstanceFinished(this.Logger, workItem.Instance.InstanceId, workItem.Instance.Name, result.Status);
        }
    }

    /// <summary>The commit that gives up on the instance: its messages are consumed and it ends Failed, saying why.</summary>
    protected override OrchestrationCommit GiveUp(OrchestrationWorkItem workItem, int failedAttempts, Exception? lastError)
    {
        InstanceRecord instance = workItem.Instance;
        string message = $"Gave up after {failedAttempts} attempt(s) to run an episode of orchestration '{instance.Name}': each one crashed the host process, " +
            "lost its lease or failed before it could commit, so the instance was failed instead of retried again" +
            (lastError is null ? "." : $". Last error: {lastError.GetType().FullName}: {lastError.Message}");
        AttemptsExhaustedException error = new(message, lastError);
        DateTimeOffset now = this.Time.GetUtcNow();
        List<HistoryEvent> newEvents = [new HistoryEvent { EventType = EventType.OrchestratorStarted, Timestamp = now }, .. this.Reconcile(workItem)];
        EpisodeResult result = new()
        {
            Status = OrchestrationStatus.Failed,
            Output = Serialization.JsonDataConverter.Serialize($"Orchestrator function '{instance.Name}' failed: {message}"),
            Failure = error,
            CustomStatus = instance.CustomStatus,
        };
        return CommitBuilder.Build(workItem, newEvents, result, [.. workItem.Messages.Select(m => m.SequenceNumber)], now);
    }

    private async Task<OrchestrationCommit> RunEpisodeAsync(OrchestrationWorkItem workItem, bool inline, CancellationToken cancellationToken)
    {
        InstanceRecord instance = workItem.Instance;
        List<long> consumed = [.. workItem.Messages.Select(m => m.SequenceNumber)];
        if (instance.Status == OrchestrationStatus.Failed && workItem.Messages.LastOrDefault(m => m.Event.EventType == EventType.ExecutionRewound) is { } rewind)
        {
            return await this.RewindAsync(workItem, rewind.Event, consumed, cancellationToken).ConfigureAwait(false);
        }

        if (instance.Status.IsTerminal())
        {
            // Late results, timers and events for a finished instance: nothing can use them.
            Logs.MessagesDropped(this.Logger, consumed.Count, instance.InstanceId, "instance finished");
            return Unchanged(instance, consumed);
        }

        List<HistoryEvent> accepted = this.Reconcile(workItem);
        if (accepted.Count == 0)
        {
            return Unchanged(instance, consumed);
        }

        DateTimeOffset now = this.Time.GetUtcNow();
        List<HistoryEvent> newEvents = [new HistoryEvent { EventType = EventType.OrchestratorStarted, Timestamp = now }, .. accepted];
        EpisodeResult result = this.invoker.IsOrchestrator(instance.Name)
            ? await OrchestrationExecutor.ExecuteAsync(this.invoker, instance.InstanceId, instance.Name, workItem.History, newEvents, cancellationToken).ConfigureAwait(false)
            : MissingOrchestrator(instance.Name);

        if (result.Failure is not null)
        {
            Logs.InstanceFailed(this.Logger, instance.InstanceId, instance.Name, result.Failure);
        }

        OrchestrationCommit commit = CommitBuilder.Build(workItem, newEvents, result, consumed, now);
        return inline ? await this.RunActivitiesInlineAsync(workItem, commit, cancellationToken).ConfigureAwait(false) : commit;
    }

    /// <summary>
    /// Runs the activities <paramref name="commit"/> schedules (those that get a free slot) and replays the orchestrator
    /// with their results, all under this lease, round after round while the replay schedules more (a chain) and every
    /// one found a slot, up to <see cref="MaxInlineRounds"/>: the commit that comes back holds every step. Only an
    /// episode's first attempt does: a later one queues its activities, counting the inline run an earlier attempt may
    /// have made, so a host that keeps dying mid-activity (or being killed as it starts and takes its work back) uses up
    /// the activity's attempts, which end in a failed task the orchestrator can handle, not the episode's, which end the
    /// instance.
    /// </summary>
    private async Task<OrchestrationCommit> RunActivitiesInlineAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        InstanceRecord instance = workItem.Instance;
        if (this.inlineActivities is null || commit.ActivityTasks.Count == 0)
        {
            return commit;
        }

        if (this.AttemptsOf(workItem) > 1)
        {
            return commit with { ActivityTasks = [.. commit.ActivityTasks.Select(t => t with { EarlierAttempts = 1 })] };
        }

        for (int round = 0; round < MaxInlineRounds && commit.ActivityTasks.Count > 0 && commit.Status == OrchestrationStatus.Running && commit.ExecutionId == instance.ExecutionId; round++)
        {
            (IReadOnlyList<HistoryEvent> results, IReadOnlyList<NewActivityTask> queued) =
                await this.inlineActivities.RunAsync(commit.ActivityTasks, cancellationToken).ConfigureAwait(false);
            if (results.Count == 0)
            {
                break;
            }

            DateTimeOffset now = this.Time.GetUtcNow();
            List<HistoryEvent> history = [.. workItem.History, .. commit.NewHistory];
            List<HistoryEvent> newEvents = [new HistoryEvent { EventType = EventType.OrchestratorStarted, Timestamp = now }, .. results];
            OrchestrationWorkItem replayed = new(instance, history, [], workItem.Owner, workItem.LeaseToken, workItem.LeaseExpiration);
            EpisodeResult result = await OrchestrationExecutor.ExecuteAsync(this.invoker, instance.InstanceId, instance.Name, history, newEvents, cancellationToken).ConfigureAwait(false);
            if (result.Failure is not null)
            {
                Logs.InstanceFailed(this.Logger, instance.InstanceId, instance.Name, result.Failure);
            }

            commit = CommitBuilder.Then(commit, CommitBuilder.Build(replayed, newEvents, result, commit.ConsumedMessages, now), queued);
            if (queued.Count > 0)
            {
                // Slots ran out: what is left goes to the queue now, where any host's free slot can take it.
                break;
            }
        }

        return commit;
    }

    /// <summary>
    /// Rewinds a Failed instance in one commit: a new execution whose history is the old one without its failed steps
    /// (<see cref="HistoryRewinder"/>), replayed at once with the rewind event, so the failed steps are scheduled again in
    /// the same transaction that makes the instance Running. The new execution id makes the store replace the history and
    /// drops any late result still addressed to the failed execution.
    /// </summary>
    private async Task<OrchestrationCommit> RewindAsync(OrchestrationWorkItem workItem, HistoryEvent rewind, List<long> consumed, CancellationToken cancellationToken)
    {
        InstanceRecord failed = workItem.Instance;
        DateTimeOffset now = this.Time.GetUtcNow();
        string executionId = ExecutionIds.New();
        List<HistoryEvent> history = HistoryRewinder.Rewind(workItem.History, executionId);
        List<HistoryEvent> newEvents = [new HistoryEvent { EventType = EventType.OrchestratorStarted, Timestamp = now }, rewind];
        InstanceRecord running = failed with { ExecutionId = executionId, Status = OrchestrationStatus.Running, Output = null, CompletedTime = null };
        OrchestrationWorkItem rewound = new(running, history, [], workItem.Owner, workItem.LeaseToken, workItem.LeaseExpiration);
        Logs.InstanceRewound(this.Logger, failed.InstanceId, failed.Name);

        EpisodeResult result = this.invoker.IsOrchestrator(failed.Name)
            ? await OrchestrationExecutor.ExecuteAsync(this.invoker, failed.InstanceId, failed.Name, history, newEvents, cancellationToken).ConfigureAwait(false)
            : MissingOrchestrator(failed.Name);
        if (result.Failure is not null)
        {
            Logs.InstanceFailed(this.Logger, failed.InstanceId, failed.Name, result.Failure);
        }

        OrchestrationCommit episode = CommitBuilder.Build(rewound, newEvents, result, consumed, now);
        if (episode.ExecutionId != executionId)
        {
            // Continued as new straight away: that commit already starts from an empty history.
            return episode;
        }

        return episode with { NewHistory = [.. history, .. episode.NewHistory] };
    }

    private List<HistoryEvent> Reconcile(OrchestrationWorkItem workItem)
    {
        bool started = workItem.History.Any(e => e.EventType == EventType.ExecutionStarted);
        List<HistoryEvent> accepted = [];
        int dropped = 0;
        foreach (OrchestrationMessage message in workItem.Messages)
        {
            bool otherExecution = message.ExecutionId is not null && message.ExecutionId != workItem.Instance.ExecutionId;
            bool duplicateStart = message.Event.EventType == EventType.ExecutionStarted && started;

            // A rewind that reaches an instance no longer Failed (rewound already, or restarted) has nothing to do.
            bool staleRewind = message.Event.EventType == EventType.ExecutionRewound;
            if (otherExecution || duplicateStart || staleRewind)
            {
                dropped++;
                continue;
            }

            started |= message.Event.EventType == EventType.ExecutionStarted;
            accepted.Add(message.Event);
        }

        if (dropped > 0)
        {
            Logs.MessagesDropped(this.Logger, dropped, workItem.Instance.InstanceId, "older execution, duplicate start or rewind of a running instance");
        }

        return accepted;
    }

    private static OrchestrationCommit Unchanged(InstanceRecord instance, List<long> consumed) => new()
    {
        ExecutionId = instance.ExecutionId,
        Status = instance.Status,
        Input = instance.Input,
        Output = instance.Output,
        CustomStatus = instance.CustomStatus,
        UpdatedTime = instance.LastUpdatedTime,
        ConsumedMessages = consumed,
    };

    private static EpisodeResult MissingOrchestrator(string name)
    {
        InvalidOperationException error = new($"The function '{name}' doesn't exist, is disabled, or is not an orchestrator function.");
        return new EpisodeResult
        {
            Status = OrchestrationStatus.Failed,
            Output = Serialization.JsonDataConverter.Serialize($"Orchestrator function '{name}' failed: {error.Message}"),
            Failure = error,
        };
    }
}
