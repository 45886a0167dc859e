using Durable.Core.History;

namespace Durable.Core.Storage;

/// <summary>Which client messages an instance's inbox takes, by its status: the rule every store applies on insert.</summary>
public static class InboxRules
{
    /// <summary>
    /// True when an instance in <paramref name="status"/> takes a client message of kind <paramref name="kind"/>: any
    /// message while it has not finished, and a rewind when it Failed (the one terminal state a rewind revives).
    /// </summary>
    public static bool Accepts(OrchestrationStatus status, EventType kind) =>
        !status.IsTerminal() || (kind == EventType.ExecutionRewound && status == OrchestrationStatus.Failed);
}
