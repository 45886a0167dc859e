namespace Durable.Core.Execution;

/// <summary>What one episode decided.</summary>
internal sealed class EpisodeResult
{
    /// <summary>Status after the episode.</summary>
    public required OrchestrationStatus Status { get; init; }

    /// <summary>Output JSON when terminal (result, failure text or terminate reason).</summary>
    public string? Output { get; init; }

    /// <summary>Failure details for logs and the ExecutionCompleted event.</summary>
    public Exception? Failure { get; init; }

    /// <summary>Custom status JSON.</summary>
    public string? CustomStatus { get; init; }

    /// <summary>Actions first requested in this episode, in id order.</summary>
    public IReadOnlyList<OrchestratorAction> NewActions { get; init; } = [];

    /// <summary>For ContinuedAsNew: the next execution's input.</summary>
    public string? ContinueAsNewInput { get; init; }

    /// <summary>For ContinuedAsNew with preserved events: events to hand to the next execution, in order.</summary>
    public IReadOnlyList<(string Name, string? Payload)> CarriedEvents { get; init; } = [];
}
