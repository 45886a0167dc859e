using Durable.Core.History;
using Durable.Core.Serialization;
using Durable.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Durable.Core.Dispatch;

/// <summary>
/// Runs one activity and turns its outcome into the event the orchestration replays: its result, or the failure it
/// threw. Shared by the activity queue (<see cref="ActivityProcessor"/>) and the episode that runs its own activities
/// (<see cref="InlineActivities"/>), so an activity behaves the same whichever way it runs.
/// </summary>
internal sealed class ActivityRunner(IActivityInvoker invoker, TimeProvider time, ILogger logger)
{
    /// <summary>
    /// The activity's TaskCompleted or TaskFailed event. Throws only when <paramref name="cancellationToken"/> is
    /// cancelled (shutdown): then there is no result, and the task must be handed back.
    /// </summary>
    public async Task<HistoryEvent> RunAsync(NewActivityTask task, int attempt, CancellationToken cancellationToken)
    {
        if (!invoker.IsActivity(task.Name))
        {
            return Failed(task, time.GetUtcNow(), new InvalidOperationException($"The function '{task.Name}' doesn't exist, is disabled, or is not an activity function."));
        }

        try
        {
            ActivityContext context = new(task.Name, task.InstanceId, task.Input, attempt, $"{task.ExecutionId}:{task.TaskId}");

            // Shutdown does not wait for an activity that ignores cancellation (say, an HTTP call without the token):
            // the task is handed back at once and the run left behind; if it still completes, its side effect happened
            // once more, which at-least-once activities allow (and the next attempt knows it is a retry).
            Task<object?> invocation = invoker.InvokeAsync(context, cancellationToken);
            _ = invocation.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            object? value = await invocation.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new HistoryEvent
            {
                EventType = EventType.TaskCompleted,
                TaskScheduledId = task.TaskId,
                Result = JsonDataConverter.Serialize(value),
                Timestamp = time.GetUtcNow(),
            };
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Logs.ActivityFailed(logger, task.Name, task.InstanceId, ex.GetType().FullName);
            return Failed(task, time.GetUtcNow(), ex);
        }
    }

    /// <summary>The TaskFailed event that hands <paramref name="error"/> to the orchestrator.</summary>
    public static HistoryEvent Failed(NewActivityTask task, DateTimeOffset now, Exception error) => new()
    {
        EventType = EventType.TaskFailed,
        TaskScheduledId = task.TaskId,
        Reason = error.Message,
        ErrorType = error.GetType().FullName,
        Details = error.ToString(),
        Timestamp = now,
    };
}
