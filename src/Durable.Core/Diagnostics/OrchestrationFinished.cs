using Durable.Core.History;

namespace Durable.Core.Diagnostics;

/// <summary>An instance that just finished, as told to an <see cref="IOrchestrationObserver"/>.</summary>
/// <param name="InstanceId">The instance id.</param>
/// <param name="Name">The orchestrator name.</param>
/// <param name="Status">The terminal status.</param>
/// <param name="Output">The output JSON (or failure text as JSON), or null.</param>
/// <param name="History">The execution's whole history, the final episode included.</param>
public sealed record OrchestrationFinished(
    string InstanceId,
    string Name,
    OrchestrationStatus Status,
    string? Output,
    IReadOnlyList<HistoryEvent> History);
