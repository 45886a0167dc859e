namespace Durable.Core.Diagnostics;

/// <summary>A store that can count its task hub's instances by runtime status cheaply (from an index), for a gauge.</summary>
public interface IInstanceStatusCounter
{
    /// <summary>How many instances the task hub holds in each runtime status (statuses with none may be absent).</summary>
    /// <param name="cancellationToken">Cancels the count.</param>
    Task<IReadOnlyDictionary<OrchestrationStatus, long>> CountInstancesByStatusAsync(CancellationToken cancellationToken);
}
