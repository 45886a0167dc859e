using Durable.Core.History;

namespace Durable.Core.Client;

/// <summary>
/// An instance's status as the engine reports it: payloads as the JSON text the engine stored and history as typed
/// events, so a front (the HTTP API, the command line) decides how to present them.
/// </summary>
public sealed class OrchestrationMetadata
{
    /// <summary>Orchestrator name.</summary>
    public required string Name { get; init; }

    /// <summary>Instance id.</summary>
    public required string InstanceId { get; init; }

    /// <summary>Runtime status.</summary>
    public required OrchestrationStatus RuntimeStatus { get; init; }

    /// <summary>Input as JSON text, or null when absent or not requested.</summary>
    public string? InputJson { get; init; }

    /// <summary>Output as JSON text once finished: the result, the failure text, or the terminate reason; else null.</summary>
    public string? OutputJson { get; init; }

    /// <summary>Custom status as JSON text, or null.</summary>
    public string? CustomStatusJson { get; init; }

    /// <summary>Creation time (UTC).</summary>
    public required DateTime CreatedTime { get; init; }

    /// <summary>Last change (UTC).</summary>
    public required DateTime LastUpdatedTime { get; init; }

    /// <summary>The stored history events, in order, when requested and the instance has run (not Pending); else null.</summary>
    public IReadOnlyList<HistoryEvent>? History { get; init; }
}
