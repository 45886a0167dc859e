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

    public ActivityProcessor(IOrchestrationStore store, IActivityInvoker invoker, DurableEngineOptions options, TimeProvider time, EngineSignals signals, ILogger logger)
    {
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
        HistoryEvent result;
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
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutdown: hand the task back for immediate pickup instead of recording a failure.
                Logs.ActivityReleased(this.logger, task.Name, task.InstanceId);
                await this.store.AbandonActivityAsync(workItem, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
                return;
            }
        }

        try
        {
            await this.store.CompleteActivityAsync(workItem, result, CancellationToken.None).ConfigureAwait(false);
        }
        catch (LeaseLostException)
        {
            Logs.LeaseLost(this.logger, "activity", task.InstanceId);
            return;
        }

        this.signals.Orchestrations.Notify();
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
            ActivityContext context = new(task.Name, task.InstanceId, task.Input, workItem.DequeueCount);
            object? value = await this.invoker.InvokeAsync(context, cancellationToken).ConfigureAwait(false);
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
