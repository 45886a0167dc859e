using Durable.Core.History;

namespace Durable.Core.Storage;

/// <summary>A stored inbox row of an instance, as leased with a work item.</summary>
/// <param name="SequenceNumber">Store-assigned, increasing in arrival order: breaks ties between rows that became visible at the same time.</param>
/// <param name="InstanceId">Target instance.</param>
/// <param name="ExecutionId">The execution it answers (activity results, timers), or null for client messages.</param>
/// <param name="Event">The event to append to history.</param>
/// <param name="VisibleTime">Not delivered before this time: this is what makes a timer durable.</param>
/// <param name="DequeueCount">How many work items have leased it before (poison detection).</param>
public sealed record OrchestrationMessage(
    long SequenceNumber,
    string InstanceId,
    string? ExecutionId,
    HistoryEvent Event,
    DateTimeOffset VisibleTime,
    int DequeueCount);
