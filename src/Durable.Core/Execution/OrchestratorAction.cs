using Durable.Core.History;

namespace Durable.Core.Execution;

/// <summary>
/// Something the orchestrator code asked for during an episode. Replay matches each against the history
/// event recorded for its id; unmatched actions are the episode's new work.
/// </summary>
/// <param name="Id">Sequence number, assigned in call order.</param>
/// <param name="Kind">The history event that records it (TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated).</param>
/// <param name="Name">Activity or sub-orchestrator name; null for timers.</param>
/// <param name="Input">Input JSON.</param>
/// <param name="FireAt">Timer due time.</param>
/// <param name="InstanceId">Sub-orchestration instance id.</param>
internal sealed record OrchestratorAction(
    int Id,
    EventType Kind,
    string? Name,
    string? Input = null,
    DateTimeOffset? FireAt = null,
    string? InstanceId = null)
{
    /// <summary>Human-readable form for determinism errors.</summary>
    public string Describe() => this.Name is null ? $"{this.Kind} #{this.Id}" : $"{this.Kind} #{this.Id} '{this.Name}'";

    /// <summary>True when <paramref name="recorded"/> is this action's history event.</summary>
    public bool Matches(HistoryEvent recorded) =>
        recorded.EventType == this.Kind && string.Equals(recorded.Name, this.Name, StringComparison.OrdinalIgnoreCase);
}
