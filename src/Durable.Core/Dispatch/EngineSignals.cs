using Durable.Core.Storage;

namespace Durable.Core.Dispatch;

/// <summary>
/// In-process wake-ups between the client, the dispatchers and completion waiters, so work written here
/// is picked up at once and waiters learn of completion without polling.
/// </summary>
internal sealed class EngineSignals
{
    // Instance → its watchers. An entry lives only while someone watches: the last watcher to leave removes it, so an
    // instance finished by another host (no commit here) or never finished leaves nothing behind.
    private readonly Dictionary<string, FinishedWatch.Shared> finished = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public WorkSignal Orchestrations { get; } = new();

    public WorkSignal Activities { get; } = new();

    /// <summary>Instances with at least one watcher (for tests).</summary>
    public int WatchedInstances
    {
        get
        {
            lock (this.gate)
            {
                return this.finished.Count;
            }
        }
    }

    /// <summary>
    /// After an episode committed. Its messages and new instances are announced by instance (they may be its own, or for
    /// one leased right now), and so are timers due within <paramref name="soon"/> of <paramref name="now"/>: an idle
    /// dispatcher asks the store for its next due time at least that often, so a later one is found then.
    /// </summary>
    public void Committed(string instanceId, OrchestrationCommit commit, DateTimeOffset now, TimeSpan soon)
    {
        if (commit.ActivityTasks.Count > 0)
        {
            this.Activities.Notify();
        }

        foreach (NewMessage message in commit.Messages)
        {
            if (message.VisibleTime is not { } visible || visible - now <= soon)
            {
                this.Orchestrations.Notify(message.InstanceId);
            }
        }

        foreach (NewInstance child in commit.NewInstances)
        {
            this.Orchestrations.Notify(child.InstanceId);
        }

        if (!commit.Status.IsTerminal())
        {
            return;
        }

        FinishedWatch.Shared? done;
        lock (this.gate)
        {
            this.finished.Remove(instanceId, out done);
        }

        done?.Source.TrySetResult();
    }

    /// <summary>
    /// Watches for this host committing a terminal status for the instance (another host's commit is not seen: poll
    /// the store too). Dispose the watch when done waiting.
    /// </summary>
    public FinishedWatch WhenFinished(string instanceId)
    {
        lock (this.gate)
        {
            if (!this.finished.TryGetValue(instanceId, out FinishedWatch.Shared? shared))
            {
                shared = new FinishedWatch.Shared();
                this.finished[instanceId] = shared;
            }

            shared.Watchers++;
            return new FinishedWatch(this, instanceId, shared);
        }
    }

    /// <summary>A watcher left: the last one removes the entry (unless a finish already did).</summary>
    internal void Leave(string instanceId, FinishedWatch.Shared shared)
    {
        lock (this.gate)
        {
            shared.Watchers--;
            if (shared.Watchers == 0 && this.finished.TryGetValue(instanceId, out FinishedWatch.Shared? current) && ReferenceEquals(current, shared))
            {
                this.finished.Remove(instanceId);
            }
        }
    }
}
