using Durable.Core.History;

namespace Durable.Core.Storage;

/// <summary>
/// The parsed history of recently leased instances, for stores whose history rows are numbered and append-only
/// within an execution. A lease then reads and parses only the rows after the cached prefix instead of the whole
/// history on every episode. The store stays the truth: an entry is only ever a prefix the store itself returned,
/// keyed by execution id (a new execution, a restart or a purge and re-create all bring a new one), so a stale
/// entry can cost a full read but never a wrong history.
/// </summary>
public sealed class HistoryCache
{
    /// <summary>Instances kept by default: more than are between episodes under heavy load, a few MB.</summary>
    public const int DefaultCapacity = 2000;

    private readonly int capacity;
    private readonly Dictionary<string, LinkedListNode<Entry>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> recentFirst = new();
    private readonly object gate = new();

    /// <summary>Creates a cache of at most <paramref name="capacity"/> instances (least recently used go first).</summary>
    /// <param name="capacity">Instances kept; 0 turns caching off.</param>
    public HistoryCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        this.capacity = capacity;
    }

    /// <summary>Instances held (for tests).</summary>
    public int Count
    {
        get
        {
            lock (this.gate)
            {
                return this.entries.Count;
            }
        }
    }

    /// <summary>The cached prefix of <paramref name="instanceId"/>'s history in <paramref name="executionId"/>, if any.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="executionId">Its current execution, as the store's instance row says.</param>
    /// <returns>The events and the store's sequence number of the last one, or null.</returns>
    public (IReadOnlyList<HistoryEvent> Events, long LastSequence)? Get(string instanceId, string executionId)
    {
        lock (this.gate)
        {
            if (!this.entries.TryGetValue(instanceId, out LinkedListNode<Entry>? node))
            {
                return null;
            }

            if (node.Value.ExecutionId != executionId)
            {
                this.RemoveNode(node);
                return null;
            }

            this.recentFirst.Remove(node);
            this.recentFirst.AddFirst(node);
            return (node.Value.Events, node.Value.LastSequence);
        }
    }

    /// <summary>Where a lease's history read starts: the cached prefix (a new list to append to) and the last sequence number in it (-1 for none).</summary>
    /// <param name="instance">The leased instance.</param>
    public (List<HistoryEvent> History, long LastSequence) Prefix(InstanceRecord instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return this.Get(instance.InstanceId, instance.ExecutionId) is { } cached ? ([.. cached.Events], cached.LastSequence) : ([], -1);
    }

    /// <summary>Keeps the history a lease just read for the next one; a finished instance's is dropped (only late messages lease it again).</summary>
    /// <param name="instance">The leased instance.</param>
    /// <param name="history">Its whole history.</param>
    /// <param name="lastSequence">The store's sequence number of the last event.</param>
    public void Keep(InstanceRecord instance, IReadOnlyList<HistoryEvent> history, long lastSequence)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.Status.IsTerminal())
        {
            this.Remove(instance.InstanceId);
        }
        else
        {
            this.Set(instance.InstanceId, instance.ExecutionId, history, lastSequence);
        }
    }

    /// <summary>Remembers the whole history the store just returned for <paramref name="instanceId"/>.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="executionId">The execution the history belongs to.</param>
    /// <param name="events">Every event, in order (an empty history is not kept).</param>
    /// <param name="lastSequence">The store's sequence number of the last event.</param>
    public void Set(string instanceId, string executionId, IReadOnlyList<HistoryEvent> events, long lastSequence)
    {
        if (this.capacity == 0 || events.Count == 0)
        {
            this.Remove(instanceId);
            return;
        }

        Entry entry = new(instanceId, executionId, [.. events], lastSequence);
        lock (this.gate)
        {
            if (this.entries.TryGetValue(instanceId, out LinkedListNode<Entry>? node))
            {
                node.Value = entry;
                this.recentFirst.Remove(node);
                this.recentFirst.AddFirst(node);
                return;
            }

            this.entries[instanceId] = this.recentFirst.AddFirst(entry);
            if (this.entries.Count > this.capacity)
            {
                this.RemoveNode(this.recentFirst.Last!);
            }
        }
    }

    /// <summary>Forgets <paramref name="instanceId"/> (finished, purged, or its history replaced).</summary>
    /// <param name="instanceId">The instance.</param>
    public void Remove(string instanceId)
    {
        lock (this.gate)
        {
            if (this.entries.TryGetValue(instanceId, out LinkedListNode<Entry>? node))
            {
                this.RemoveNode(node);
            }
        }
    }

    /// <summary>Forgets every instance (a purge by filter).</summary>
    public void Clear()
    {
        lock (this.gate)
        {
            this.entries.Clear();
            this.recentFirst.Clear();
        }
    }

    private void RemoveNode(LinkedListNode<Entry> node)
    {
        this.entries.Remove(node.Value.InstanceId);
        this.recentFirst.Remove(node);
    }

    private sealed record Entry(string InstanceId, string ExecutionId, HistoryEvent[] Events, long LastSequence);
}
