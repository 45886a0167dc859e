namespace Durable.Core.Storage;

/// <summary>An activity invocation to queue.</summary>
/// <param name="InstanceId">The orchestration that scheduled it.</param>
/// <param name="ExecutionId">The execution that scheduled it: a result for another execution is dropped.</param>
/// <param name="Name">Activity function name.</param>
/// <param name="TaskId">The TaskScheduled event id the result must answer.</param>
/// <param name="Input">Input JSON, or null.</param>
/// <param name="VisibleTime">Not started before this time; null = now.</param>
/// <param name="EarlierAttempts">
/// Attempts it may already have had outside the queue (run inline by an episode that never committed): the store starts
/// its lease count there, so its first lease is attempt <c>EarlierAttempts + 1</c> and they count toward
/// <see cref="DurableEngineOptions.MaxDequeueCount"/>. Read only when the task is queued.
/// </param>
public sealed record NewActivityTask(
    string InstanceId,
    string ExecutionId,
    string Name,
    int TaskId,
    string? Input,
    DateTimeOffset? VisibleTime = null,
    int EarlierAttempts = 0);
