using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Core.Dispatch;

/// <summary>
/// The instances this host's episodes left waiting (running, free), each as its last commit here left it: row and whole
/// history. An event for one of them runs its episode on that copy at once and commits it in the event's own write
/// (<see cref="IOrchestrationStore.CommitIfUnchangedAsync"/>), which the store refuses if anything changed since: a
/// stale entry costs a refused write, never a wrong history. Least recently kept go first, by count and by size
/// (estimated as <see cref="HistoryCache"/> does), so clients cannot grow the host without bound.
/// </summary>
internal sealed class RestingInstances(int capacity, long maxBytes)
{
    /// <summary>Instances kept by default: more than wait between a verification's episodes under heavy load.</summary>
    public const int DefaultCapacity = 2000;

    /// <summary>Bytes kept by default: 32 MiB.</summary>
    public const long DefaultMaxBytes = 32L * 1024 * 1024;

    private readonly Dictionary<string, LinkedListNode<Resting>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Resting> newestFirst = new();
    private long bytes;

    /// <summary>Keeps <paramref name="instance"/> as a commit just left it, or forgets it unless it now waits (running).</summary>
    public void Keep(InstanceRecord instance, IReadOnlyList<HistoryEvent> history)
    {
        long size = HistoryCache.SizeOf(history);
        lock (this.entries)
        {
            this.Remove(instance.InstanceId);
            if (instance.Status != OrchestrationStatus.Running || capacity == 0 || size > maxBytes)
            {
                return;
            }

            this.entries[instance.InstanceId] = this.newestFirst.AddFirst(new Resting(instance, history, size));
            this.bytes += size;
            while (this.entries.Count > capacity || this.bytes > maxBytes)
            {
                this.Remove(this.newestFirst.Last!.Value.Instance.InstanceId);
            }
        }
    }

    /// <summary>Forgets <paramref name="instanceId"/>: an episode of it is about to change it.</summary>
    public void Forget(string instanceId)
    {
        lock (this.entries)
        {
            this.Remove(instanceId);
        }
    }

    /// <summary>Takes <paramref name="instanceId"/> out, for the one event that will run on it.</summary>
    public Resting? Take(string instanceId)
    {
        lock (this.entries)
        {
            if (!this.entries.TryGetValue(instanceId, out LinkedListNode<Resting>? node))
            {
                return null;
            }

            this.Remove(instanceId);
            return node.Value;
        }
    }

    private void Remove(string instanceId)
    {
        if (this.entries.Remove(instanceId, out LinkedListNode<Resting>? node))
        {
            this.newestFirst.Remove(node);
            this.bytes -= node.Value.Bytes;
        }
    }

    /// <summary>An instance as its last commit here left it.</summary>
    internal sealed record Resting(InstanceRecord Instance, IReadOnlyList<HistoryEvent> History, long Bytes);
}
