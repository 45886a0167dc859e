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

    /// <summary>
    /// Bytes kept by default (estimated as the events' strings): 64 MiB. Instances with large histories (events of the
    /// maximum payload size) are evicted by size before the entry count is reached, so the cache cannot grow the host
    /// without bound whatever its clients send.
    /// </summary>
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    // Per event beyond its strings: the object, its dates and numbers, the list slot.
    private const int EventOverheadBytes = 120;

    private readonly int capacity;
    private readonly long maxBytes;
    private long bytes;
    private readonly Dictionary<string, LinkedListNode<Entry>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> recentFirst = new();
    private readonly object gate = new();

    /// <summary>
    /// Creates a cache of at most <paramref name="capacity"/> instances and about <paramref name="maxBytes"/> bytes
    /// (least recently used go first).
    /// </summary>
    /// <param name="capacity">Instances kept; 0 turns caching off.</param>
    /// <param name="maxBytes">Estimated bytes kept; a history larger than this alone is not kept.</param>
    public HistoryCache(int capacity, long maxBytes = DefaultMaxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    /// <summary>Estimated bytes held (for tests).</summary>
    public long Bytes
    {
        get
        {
            lock (this.gate)
            {
                return this.bytes;
            }
        }
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
        long size = events.Count == 0 ? 0 : SizeOf(events);
        if (this.capacity == 0 || events.Count == 0 || size > this.maxBytes)
        {
            this.Remove(instanceId);
            return;
        }

        Entry entry = new(instanceId, executionId, [.. events], lastSequence, size);
        lock (this.gate)
        {
            if (this.entries.TryGetValue(instanceId, out LinkedListNode<Entry>? node))
            {
                this.bytes += size - node.Value.Bytes;
                node.Value = entry;
                this.recentFirst.Remove(node);
                this.recentFirst.AddFirst(node);
            }
            else
            {
                this.entries[instanceId] = this.recentFirst.AddFirst(entry);
                this.bytes += size;
            }

            // The newest entry fits alone (checked above), so this stops before evicting it.
            while (this.entries.Count > this.capacity || this.bytes > this.maxBytes)
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
            this.bytes = 0;
        }
    }

    /// <summary>An estimate of the memory <paramref name="events"/> hold: two bytes per character of their strings plus a fixed part.</summary>
    internal static long SizeOf(IReadOnlyList<HistoryEvent> events)
    {
        long size = 0;
        foreach (HistoryEvent e in events)
        {
            size += EventOverheadBytes + (2L * ((e.Name?.Length ?? 0) + (e.Input?.Length ?? 0) + (e.Result?.Length ?? 0)
                + (e.Reason?.Length ?? 0) + (e.Details?.Length ?? 0) + (e.ErrorType?.Length ?? 0) + (e.ExecutionId?.Length ?? 0) + (e.InstanceId?.Length ?? 0)));
        }

        return size;
    }

    private void RemoveNode(LinkedListNode<Entry> node)
    {
        this.entries.Remove(node.Value.InstanceId);
        this.recentFirst.Remove(node);
        this.bytes -= node.Value.Bytes;
    }

    private sealed record Entry(string InstanceId, string ExecutionId, HistoryEvent[] Events, long LastSequence, long Bytes);
}
