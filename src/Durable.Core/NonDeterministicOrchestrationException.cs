namespace Durable.Core;

/// <summary>
/// Replay found that the orchestrator code no longer does what its history recorded. The instance fails:
/// retrying cannot help, because the code itself changed or depends on something non-deterministic.
/// </summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NonDeterministicOrchestrationException(string message)
        : base(message)
    {
    }
}
