using Durable.Core.History;

namespace Durable.Core.Storage;

/// <summary>The argument checks of <see cref="IOrchestrationStore.EnqueueEventAsync"/>, shared by every store.</summary>
public static class EventBudget
{
    /// <summary>Throws unless <paramref name="raised"/> is an <see cref="EventType.EventRaised"/> event and <paramref name="maxEvents"/> is positive.</summary>
    /// <param name="raised">The event to enqueue.</param>
    /// <param name="maxEvents">The cap.</param>
    public static void Check(HistoryEvent raised, int maxEvents)
    {
        ArgumentNullException.ThrowIfNull(raised);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        if (raised.EventType != EventType.EventRaised)
        {
            throw new ArgumentException($"Only {nameof(EventType.EventRaised)} events are counted against the budget; got {raised.EventType}.", nameof(raised));
        }
    }
}
