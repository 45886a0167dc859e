using Durable.Core.History;

namespace Durable.Core.Storage;

/// <summary>
/// An instance to create: its row in <see cref="OrchestrationStatus.Pending"/> and its
/// ExecutionStarted message, written in one transaction.
/// </summary>
/// <param name="InstanceId">The instance id.</param>
/// <param name="ExecutionId">Id of the first execution.</param>
/// <param name="Name">Orchestrator name.</param>
/// <param name="Input">Input JSON, or null.</param>
/// <param name="CreatedTime">Creation time (UTC).</param>
/// <param name="StartEvent">The ExecutionStarted event delivered to the first episode.</param>
/// <param name="ParentInstanceId">Parent instance for a sub-orchestration, else null.</param>
public sealed record NewInstance(
    string InstanceId,
    string ExecutionId,
    string Name,
    string? Input,
    DateTimeOffset CreatedTime,
    HistoryEvent StartEvent,
    string? ParentInstanceId = null);
