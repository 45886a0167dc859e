namespace Durable.Core.Storage;

/// <summary>An activity invocation to queue.</summary>
/// <param name="InstanceId">The orchestration that scheduled it.</param>
/// <param name="ExecutionId">The execution that scheduled it: a result for another execution is dropped.</param>
/// <param name="Name">Activity function name.</param>
/// <param name="TaskId">The TaskScheduled event id the result must answer.</param>
/// <param name="Input">Input JSON, or null.</param>
/// <param name="VisibleTime">Not started before this time; null = now.</param>
public sealed record NewActivityTask(
    string InstanceId,
    string ExecutionId,
    string Name,
    int TaskId,
    string? Input,
    DateTimeOffset? VisibleTime = null);
