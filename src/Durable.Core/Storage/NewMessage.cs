using Durable.Core.History;

namespace Durable.Core.Storage;

/// <summary>An inbox row to write: a timer to self, a result to a parent, or an event to another instance.</summary>
/// <param name="InstanceId">Target instance.</param>
/// <param name="ExecutionId">The target execution, or null when any execution may take it.</param>
/// <param name="Event">The event.</param>
/// <param name="VisibleTime">Delivery not before this time (a timer's due time); null = now.</param>
public sealed record NewMessage(string InstanceId, string? ExecutionId, HistoryEvent Event, DateTimeOffset? VisibleTime = null);
