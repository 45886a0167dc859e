using System.Collections.Concurrent;

namespace Durable.WebJobs.Http;

/// <summary>
/// The cap on events per instance. The history says how many events an instance has processed; this process also
/// counts those it accepted that may not be in the history yet (a flood while the instance is busy or suspended).
/// The larger of the two is compared with the cap, so nothing is counted twice and a restart loses nothing that
/// matters (accepted events reach the history).
/// </summary>
internal sealed class InstanceEventBudget(int maxEventsPerInstance)
{
    // Bounded: past this many instances the process counts start over; the history still holds the rest.
    private const int MaxTrackedInstances = 100_000;
    private readonly ConcurrentDictionary<string, int> accepted = new(StringComparer.Ordinal);

    /// <summary>Takes one event for <paramref name="instanceId"/>; false when the cap is reached.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="recorded">Events already in its history.</param>
    public bool TryTake(string instanceId, int recorded)
    {
        if (this.accepted.Count > MaxTrackedInstances)
        {
            this.accepted.Clear();
        }

        bool taken = false;
        this.accepted.AddOrUpdate(
            instanceId,
            _ =>
            {
                taken = recorded < maxEventsPerInstance;
                return taken ? recorded + 1 : recorded;
            },
            (_, count) =>
            {
                int used = Math.Max(count, recorded);
                taken = used < maxEventsPerInstance;
                return taken ? used + 1 : used;
            });
        return taken;
    }

    /// <summary>Returns an event the store did not accept.</summary>
    public void GiveBack(string instanceId) => this.accepted.AddOrUpdate(instanceId, 0, (_, count) => Math.Max(0, count - 1));

    /// <summary>Forgets a purged instance.</summary>
    public void Forget(string instanceId) => this.accepted.TryRemove(instanceId, out _);
}
