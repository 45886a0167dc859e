namespace Durable.Core.Storage;

/// <summary>What <see cref="IOrchestrationStore.EnqueueEventLeasedAsync"/> did: the enqueue's outcome, and the work item when the same transaction leased the instance.</summary>
/// <param name="Result">As <see cref="IOrchestrationStore.EnqueueEventAsync"/> would have answered.</param>
/// <param name="WorkItem">The instance leased to the caller, or null (it was not free, not waiting for anything, or finished).</param>
public sealed record EnqueuedEvent(EnqueueResult Result, OrchestrationWorkItem? WorkItem);
