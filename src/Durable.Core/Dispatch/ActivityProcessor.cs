using Durable.Core.Diagnostics;
using Durable.Core.History;
using Durable.Core.Serialization;
using Durable.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Durable.Core.Dispatch;

/// <summary>
/// Runs one activity task and reports its result to the orchestration in the same transaction that
/// deletes the task. A crash before that commit leaves the task leased; it runs again when the lease
/// expires — activities are at-least-once, and <see cref="ActivityContext.Attempt"/> tells them so.
/// </summary>
internal sealed class ActivityProcessor
{
    private readonly IOrchestrationStore store;
    private readonly IActivityInvoker invoker;
    private readonly DurableEngineOptions options;
    private readonly TimeProvider time;
    private readonly EngineSignals signals;
    private readonly ILogger logger;
    private readonly DurableTelemetry telemetry;

    public ActivityProcessor(IOrchestrationStore store, IActivityInvoker invoker, DurableEngineOptions options, TimeProvider time, EngineSignals signals, ILogger logger, DurableTelemetry telemetry)
    {
        this.telemetry = telemetry;
        this.store = store;
        this.invoker = invoker;
        this.options = options;
        this.time = time;
        this.signals = signals;
        this.logger = logger;
    }

    public async Task ProcessAsync(ActivityWorkItem workItem, CancellationToken cancellationToken)
    {
        NewActivityTask task = workItem.Task;
        using ActivityScope telemetry = this.telemetry.StartActivity(workItem, await this.telemetry.FindActivityParentAsync(task, this.store, cancellationToken).ConfigureAwait(false));
        HistoryEvent result;
        if (workItem.DequeueCount > this.options.MaxDequeueCount)
        {
            // Every earlier lease ended without a result (the process died or the lease was lost): don't run it
            // again; the orchestrator gets a failed task it can handle like any other activity failure.
            int failedAttempts = workItem.DequeueCount - 1;
            Logs.WorkItemParked(this.logger, "activity", task.Name, task.InstanceId, failedAttempts);
            this.telemetry.RecordParked("activity");
            result = Failed(task, this.time.GetUtcNow(), new AttemptsExhaustedException(
                $"Gave up after {failedAttempts} attempt(s) to run activity '{task.Name}': each one crashed the host process or lost its lease " +
                "before its result was stored, so it was not run again."));
        }
        else
        {
            await using (LeaseRenewal.Start(
                ct => this.store.RenewActivityLeaseAsync(workItem, this.options.LeaseDuration, ct),
                this.options.LeaseDuration,
                this.time,
                e => Logs.RenewFailed(this.logger, "activity", task.InstanceId, e)))
            {
                try
                {
                    result = await this.InvokeAsync(workItem, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    // Shutdown (whatever the activity threw on cancellation): hand the task back for immediate
                    // pickup instead of recording a failure.
                    Logs.ActivityReleased(this.logger, task.Name, task.InstanceId);
                    await this.TryAbandonAsync(workItem, TimeSpan.Zero).ConfigureAwait(false);
                    return;
                }
            }
        }

        telemetry.CommitStarting();
        try
        {
            await StoreOutage.WriteAsync(
                () => this.store.CompleteActivityAsync(workItem, result, CancellationToken.None),
                ct => this.store.RenewActivityLeaseAsync(workItem, this.options.LeaseDuration, ct),
                () => workItem.LeaseExpiration,
                this.options,
                this.time,
                (delay, ex) => Logs.CommitDeferred(this.logger, "activity", task.InstanceId, delay.TotalMilliseconds, ex),
                e => Logs.RenewFailed(this.logger, "activity", task.InstanceId, e),
                cancellationToken).ConfigureAwait(false);
        }
        catch (LeaseLostException)
        {
            telemetry.LeaseLost();
            Logs.LeaseLost(this.logger, "activity", task.InstanceId);
            return;
        }
        catch (Exception ex)
        {
            // A failure other than an outage, or an outage still on at shutdown: nothing was written. The activity
            // runs again later (at least once), with a higher attempt number.
            TimeSpan retryDelay = cancellationToken.IsCancellationRequested ? TimeSpan.Zero : TimeSpan.FromSeconds(1);
            Logs.CommitFailed(this.logger, "activity", task.InstanceId, retryDelay.TotalMilliseconds, ex);
            await this.TryAbandonAsync(workItem, retryDelay).ConfigureAwait(false);
            return;
        }

        telemetry.Committed(result);
        this.signals.Orchestrations.Notify();
    }

    private async Task TryAbandonAsync(ActivityWorkItem workItem, TimeSpan retryDelay)
    {
        try
        {
            await this.store.AbandonActivityAsync(workItem, retryDelay, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The lease then simply expires.
            Logs.ReleaseFailed(this.logger, "activity", workItem.Task.InstanceId, ex);
        }
    }

    private async Task<HistoryEvent> InvokeAsync(ActivityWorkItem workItem, CancellationToken cancellationToken)
    {
        NewActivityTask task = workItem.Task;
        DateTimeOffset now = this.time.GetUtcNow();
        if (!this.invoker.IsActivity(task.Name))
        {
            return Failed(task, now, new InvalidOperationException($"The function '{task.Name}' doesn't exist, is disabled, or is not an activity function."));
        }

        try
        {
            ActivityContext context = new(task.Name, task.InstanceId, task.Input, workItem.DequeueCount, $"{task.ExecutionId}:{task.TaskId}");
            // Shutdown does not wait for an activity that ignores cancellation (say, an HTTP call without the token):
            // the task is handed back at once and the run left behind; if it still completes, its side effect happened
            // once more, which at-least-once activities allow (and the next attempt knows it is a retry).
            Task<object?> invocation = this.invoker.InvokeAsync(context, cancellationToken);
            _ = invocation.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            object? value = await invocation.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new HistoryEvent
            {
                EventType = EventType.TaskCompleted,
                TaskScheduledId = task.TaskId,
                Result = JsonDataConverter.Serialize(value),
                Timestamp = this.time.GetUtcNow(),
            };
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Logs.ActivityFailed(this.logger, task.Name, task.InstanceId, ex.GetType().FullName);
            return Failed(task, this.time.GetUtcNow(), ex);
        }
    }

    private static HistoryEvent Failed(NewActivityTask task, DateTimeOffset now, Exception error) => new()
    {
        EventType = EventType.TaskFailed,
        TaskScheduledId = task.TaskId,
        Reason = error.Message,
        ErrorType = error.GetType().FullName,
        Details = error.ToString(),
        Timestamp = now,
    };
}
