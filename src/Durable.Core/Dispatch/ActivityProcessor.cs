using Durable.Core.Diagnostics;
using Durable.Core.History;
using Durable.Core.Serialization;
using Durable.Core.Storage;
using Microsoft.Extensions.Logging;
using SpanContext = System.Diagnostics.ActivityContext;

namespace Durable.Core.Dispatch;

/// <summary>
/// Runs one activity task and reports its result to the orchestration in the same transaction that
/// deletes the task. A crash before that commit leaves the task leased; it runs again when the lease
/// expires — activities are at-least-once, and <see cref="ActivityContext.Attempt"/> tells them so. The
/// lease, commit and abandon steps are <see cref="WorkItemProcessor{TWorkItem, TResult}"/>'s.
/// </summary>
internal sealed class ActivityProcessor : WorkItemProcessor<ActivityWorkItem, HistoryEvent>
{
    private readonly IOrchestrationStore store;
    private readonly ActivityRunner runner;
    private readonly EngineSignals signals;

    public ActivityProcessor(IOrchestrationStore store, ActivityRunner runner, DurableEngineOptions options, TimeProvider time, EngineSignals signals, ILogger logger, DurableTelemetry telemetry)
        : base("activity", options, time, logger, telemetry)
    {
        this.store = store;
        this.runner = runner;
        this.signals = signals;
    }

    protected override string InstanceIdOf(ActivityWorkItem workItem) => workItem.Task.InstanceId;

    protected override string NameOf(ActivityWorkItem workItem) => workItem.Task.Name;

    protected override int AttemptsOf(ActivityWorkItem workItem) => workItem.DequeueCount;

    protected override DateTimeOffset LeaseExpirationOf(ActivityWorkItem workItem) => workItem.LeaseExpiration;

    protected override async ValueTask<SpanContext> FindTraceParentAsync(ActivityWorkItem workItem, CancellationToken cancellationToken) =>
        await this.Telemetry.FindActivityParentAsync(workItem.Task, this.store, cancellationToken).ConfigureAwait(false);

    protected override IWorkItemScope<HistoryEvent> StartScope(ActivityWorkItem workItem, SpanContext parent) =>
        this.Telemetry.StartActivity(workItem, parent);

    protected override Task<HistoryEvent> RunAsync(ActivityWorkItem workItem, CancellationToken cancellationToken) =>
        this.runner.RunAsync(workItem.Task, workItem.DequeueCount, cancellationToken);

    /// <summary>
    /// Every earlier lease ended without a result (the process died or the lease was lost): the orchestrator gets a
    /// failed task it can handle like any other activity failure.
    /// </summary>
    protected override HistoryEvent GiveUp(ActivityWorkItem workItem, int failedAttempts, Exception? lastError) =>
        ActivityRunner.Failed(workItem.Task, this.Time.GetUtcNow(), new AttemptsExhaustedException(
            $"Gave up after {failedAttempts} attempt(s) to run activity '{workItem.Task.Name}': each one crashed the host process or lost its lease " +
            "before its result was stored, so it was not run again" +
            (lastError is null ? "." : $". Last error: {lastError.GetType().FullName}: {lastError.Message}"),
            lastError));

    // A task's result goes to its instance's inbox; the next task is leased by the loop.
    protected override async Task<ActivityWorkItem?> CompleteAsync(ActivityWorkItem workItem, HistoryEvent result)
    {
        await this.store.CompleteActivityAsync(workItem, result, CancellationToken.None).ConfigureAwait(false);
        return null;
    }

    protected override Task<bool> RenewLeaseAsync(ActivityWorkItem workItem, CancellationToken cancellationToken) =>
        this.store.RenewActivityLeaseAsync(workItem, this.Options.LeaseDuration, cancellationToken);

    protected override async Task AbandonAsync(ActivityWorkItem workItem, TimeSpan retryDelay)
    {
        await this.store.AbandonActivityAsync(workItem, retryDelay, CancellationToken.None).ConfigureAwait(false);

        // The task is due again after the delay: the dispatcher reads its next wake-up anew.
        this.signals.Activities.Notify();
    }

    protected override void OnCommitted(ActivityWorkItem workItem, HistoryEvent result) => this.signals.Orchestrations.Notify(workItem.Task.InstanceId);

    protected override void LogAbandoned(ActivityWorkItem workItem, TimeSpan retryDelay, Exception error)
    {
        if (retryDelay == TimeSpan.Zero)
        {
            // Shutdown, whatever the activity threw on cancellation: a release, not a failure.
            Logs.ActivityReleased(this.Logger, workItem.Task.Name, workItem.Task.InstanceId);
            return;
        }

        base.LogAbandoned(workItem, retryDelay, error);
    }
}
