using Durable.Core.Diagnostics;
using Durable.Core.Execution;
using Durable.Core.History;
using Durable.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Durable.Core.Dispatch;

/// <summary>
/// Runs one orchestration work item: reconciles the leased messages with the instance, replays the
/// episode, and commits the result in one store call. A failure to run (not a user exception, which
/// fails the instance) abandons the item so its messages are retried.
/// </summary>
internal sealed class OrchestrationProcessor
{
    private readonly IOrchestrationStore store;
    private readonly IOrchestratorInvoker invoker;
    private readonly DurableEngineOptions options;
    private readonly TimeProvider time;
    private readonly EngineSignals signals;
    private readonly ILogger logger;
    private readonly DurableTelemetry telemetry;

    public OrchestrationProcessor(IOrchestrationStore store, IOrchestratorInvoker invoker, DurableEngineOptions options, TimeProvider time, EngineSignals signals, ILogger logger, DurableTelemetry telemetry)
    {
        this.telemetry = telemetry;
        this.store = store;
        this.invoker = invoker;
        this.options = options;
        this.time = time;
        this.signals = signals;
        this.logger = logger;
    }

    public async Task ProcessAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken)
    {
        InstanceRecord instance = workItem.Instance;
        using EpisodeScope telemetry = this.telemetry.StartEpisode(workItem, this.time.GetUtcNow());

        // Every lease of a message counts, this one included: a count past the cap means earlier attempts never
        // committed (their process died, they lost the lease, or the episode kept failing to run).
        int attempts = workItem.Messages.Count == 0 ? 0 : workItem.Messages.Max(m => m.DequeueCount);
        OrchestrationCommit commit;
        if (attempts > this.options.MaxDequeueCount && !instance.Status.IsTerminal())
        {
            // Don't run it again: if it crashes the process, it would take the host down once more.
            commit = this.Park(workItem, attempts - 1, lastError: null);
        }
        else
        {
            await using (LeaseRenewal.Start(
                ct => this.store.RenewOrchestrationLeaseAsync(workItem, this.options.LeaseDuration, ct),
                this.options.LeaseDuration,
                this.time,
                e => Logs.RenewFailed(this.logger, "orchestration", instance.InstanceId, e)))
            {
                try
                {
                    commit = await this.RunEpisodeAsync(workItem, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && attempts >= this.options.MaxDequeueCount && !instance.Status.IsTerminal())
                {
                    commit = this.Park(workItem, attempts, ex);
                }
                catch (Exception ex)
                {
                    // Shutdown hands the item back for immediate pickup; a failure to run waits a little first.
                    TimeSpan retryDelay = cancellationToken.IsCancellationRequested ? TimeSpan.Zero : TimeSpan.FromSeconds(1);
                    Logs.EpisodeAbandoned(this.logger, instance.InstanceId, retryDelay.TotalMilliseconds, ex);
                    await this.TryAbandonAsync(workItem, retryDelay).ConfigureAwait(false);
                    return;
                }
            }
        }

        telemetry.CommitStarting();
        try
        {
            await StoreOutage.WriteAsync(
                () => this.store.CompleteOrchestrationAsync(workItem, commit, CancellationToken.None),
                ct => this.store.RenewOrchestrationLeaseAsync(workItem, this.options.LeaseDuration, ct),
                () => workItem.LeaseExpiration,
                this.options,
                this.time,
                (delay, ex) => Logs.CommitDeferred(this.logger, "orchestration", instance.InstanceId, delay.TotalMilliseconds, ex),
                e => Logs.RenewFailed(this.logger, "orchestration", instance.InstanceId, e),
                cancellationToken).ConfigureAwait(false);
        }
        catch (LeaseLostException)
        {
            telemetry.LeaseLost();
            Logs.LeaseLost(this.logger, "orchestration", instance.InstanceId);
            return;
        }
        catch (Exception ex)
        {
            // A failure other than an outage, or an outage still on at shutdown: nothing was written. Hand the item
            // back instead of holding it until the lease expires; the next attempt replays the same messages.
            TimeSpan retryDelay = cancellationToken.IsCancellationRequested ? TimeSpan.Zero : TimeSpan.FromSeconds(1);
            Logs.CommitFailed(this.logger, "orchestration", instance.InstanceId, retryDelay.TotalMilliseconds, ex);
            await this.TryAbandonAsync(workItem, retryDelay).ConfigureAwait(false);
            return;
        }

        telemetry.Committed(commit);
        this.signals.Committed(instance.InstanceId, commit);
        if (commit.Status.IsTerminal())
        {
            Logs.InstanceFinished(this.logger, instance.InstanceId, instance.Name, commit.Status);
        }
    }

    /// <summary>The commit that gives up on the instance: its messages are consumed and it ends Failed, saying why.</summary>
    private OrchestrationCommit Park(OrchestrationWorkItem workItem, int failedAttempts, Exception? lastError)
    {
        InstanceRecord instance = workItem.Instance;
        string message = $"Gave up after {failedAttempts} attempt(s) to run an episode of orchestration '{instance.Name}': each one crashed the host process, " +
            "lost its lease or failed before it could commit, so the instance was failed instead of retried again" +
            (lastError is null ? "." : $". Last error: {lastError.GetType().FullName}: {lastError.Message}");
        AttemptsExhaustedException error = new(message, lastError);
        Logs.WorkItemParked(this.logger, "orchestration", instance.Name, instance.InstanceId, failedAttempts);
        this.telemetry.RecordParked("orchestration");
        DateTimeOffset now = this.time.GetUtcNow();
        List<HistoryEvent> newEvents = [new HistoryEvent { EventType = EventType.OrchestratorStarted, Timestamp = now }, .. this.Reconcile(workItem)];
        EpisodeResult result = new()
        {
            Status = OrchestrationRuntimeStatus.Failed,
            Output = Serialization.JsonDataConverter.Serialize($"Orchestrator function '{instance.Name}' failed: {message}"),
            Failure = error,
            CustomStatus = instance.CustomStatus,
        };
        return CommitBuilder.Build(workItem, newEvents, result, [.. workItem.Messages.Select(m => m.SequenceNumber)], now);
    }

    private async Task TryAbandonAsync(OrchestrationWorkItem workItem, TimeSpan retryDelay)
    {
        try
        {
            await this.store.AbandonOrchestrationAsync(workItem, retryDelay, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The lease then simply expires.
            Logs.ReleaseFailed(this.logger, "orchestration", workItem.Instance.InstanceId, ex);
        }
    }

    private async Task<OrchestrationCommit> RunEpisodeAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken)
    {
        InstanceRecord instance = workItem.Instance;
        List<long> consumed = [.. workItem.Messages.Select(m => m.SequenceNumber)];
        if (instance.Status == OrchestrationRuntimeStatus.Failed && workItem.Messages.LastOrDefault(m => m.Event.EventType == EventType.ExecutionRewound) is { } rewind)
        {
            return await this.RewindAsync(workItem, rewind.Event, consumed, cancellationToken).ConfigureAwait(false);
        }

        if (instance.Status.IsTerminal())
        {
            // Late results, timers and events for a finished instance: nothing can use them.
            Logs.MessagesDropped(this.logger, consumed.Count, instance.InstanceId, "instance finished");
            return Unchanged(instance, consumed);
        }

        List<HistoryEvent> accepted = this.Reconcile(workItem);
        if (accepted.Count == 0)
        {
            return Unchanged(instance, consumed);
        }

        DateTimeOffset now = this.time.GetUtcNow();
        List<HistoryEvent> newEvents = [new HistoryEvent { EventType = EventType.OrchestratorStarted, Timestamp = now }, .. accepted];
        EpisodeResult result = this.invoker.IsOrchestrator(instance.Name)
            ? await OrchestrationExecutor.ExecuteAsync(this.invoker, instance.InstanceId, instance.Name, workItem.History, newEvents, cancellationToken).ConfigureAwait(false)
            : MissingOrchestrator(instance.Name);

        if (result.Failure is not null)
        {
            Logs.InstanceFailed(this.logger, instance.InstanceId, instance.Name, result.Failure);
        }

        return CommitBuilder.Build(workItem, newEvents, result, consumed, now);
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
        DateTimeOffset now = this.time.GetUtcNow();
        string executionId = ExecutionIds.New();
        List<HistoryEvent> history = HistoryRewinder.Rewind(workItem.History, executionId);
        List<HistoryEvent> newEvents = [new HistoryEvent { EventType = EventType.OrchestratorStarted, Timestamp = now }, rewind];
        InstanceRecord running = failed with { ExecutionId = executionId, Status = OrchestrationRuntimeStatus.Running, Output = null, CompletedTime = null };
        OrchestrationWorkItem rewound = new(running, history, [], workItem.Owner, workItem.LeaseToken, workItem.LeaseExpiration);
        Logs.InstanceRewound(this.logger, failed.InstanceId, failed.Name);

        EpisodeResult result = this.invoker.IsOrchestrator(failed.Name)
            ? await OrchestrationExecutor.ExecuteAsync(this.invoker, failed.InstanceId, failed.Name, history, newEvents, cancellationToken).ConfigureAwait(false)
            : MissingOrchestrator(failed.Name);
        if (result.Failure is not null)
        {
            Logs.InstanceFailed(this.logger, failed.InstanceId, failed.Name, result.Failure);
        }

        OrchestrationCommit episode = CommitBuilder.Build(rewound, newEvents, result, consumed, now);
        if (episode.ExecutionId != executionId)
        {
            // Continued as new straight away: that commit already starts from an empty history.
            return episode;
        }

        return new OrchestrationCommit
        {
            ExecutionId = executionId,
            NewHistory = [.. history, .. episode.NewHistory],
            Status = episode.Status,
            Input = episode.Input,
            Output = episode.Output,
            CustomStatus = episode.CustomStatus,
            UpdatedTime = episode.UpdatedTime,
            ConsumedMessages = episode.ConsumedMessages,
            ActivityTasks = episode.ActivityTasks,
            Messages = episode.Messages,
            NewInstances = episode.NewInstances,
        };
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
            Logs.MessagesDropped(this.logger, dropped, workItem.Instance.InstanceId, "older execution, duplicate start or rewind of a running instance");
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
            Status = OrchestrationRuntimeStatus.Failed,
            Output = Serialization.JsonDataConverter.Serialize($"Orchestrator function '{name}' failed: {error.Message}"),
            Failure = error,
        };
    }
}
