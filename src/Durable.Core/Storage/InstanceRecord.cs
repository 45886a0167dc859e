namespace Durable.Core.Storage;

/// <summary>The stored row of one orchestration instance (its latest execution).</summary>
/// <param name="InstanceId">Caller-chosen or generated id; unique within a task hub.</param>
/// <param name="ExecutionId">Id of the current execution; changes on continue-as-new and on restart.</param>
/// <param name="Name">Orchestrator function name.</param>
/// <param name="Status">Runtime status.</param>
/// <param name="Input">Input JSON, or null.</param>
/// <param name="Output">Output JSON (or failure/terminate text as JSON) once finished, else null.</param>
/// <param name="CustomStatus">Custom status JSON, or null.</param>
/// <param name="CreatedTime">When the instance was created (UTC).</param>
/// <param name="LastUpdatedTime">When an episode or a client last changed the row (UTC).</param>
/// <param name="CompletedTime">When the instance reached a terminal status, else null.</param>
/// <param name="ParentInstanceId">The parent of a sub-orchestration, else null.</param>
public sealed record InstanceRecord(
    string InstanceId,
    string ExecutionId,
    string Name,
    OrchestrationStatus Status,
    string? Input,
    string? Output,
    string? CustomStatus,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime,
    DateTimeOffset? CompletedTime,
    string? ParentInstanceId);
