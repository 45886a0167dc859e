namespace Durable.Core.Storage.InMemory;

/// <summary>Listing, purging and the dispatchers' next wake-up time.</summary>
public sealed partial class InMemoryOrchestrationStore
{
    /// <inheritdoc/>
    public Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        (long Ticks, string Id)? after = ContinuationToken.Decode(query.ContinuationToken, query.Descending);
        int pageSize = Math.Max(1, query.PageSize);
        int direction = query.Descending ? -1 : 1;
        lock (this.gate)
        {
            // Keyset paging on (created ticks, id): the same orders and token as the SQL stores.
            IEnumerable<InstanceRecord> filtered = this.instances.Values
                .Select(s => s.Record)
                .Where(r => query.Statuses is null || query.Statuses.Count == 0 || query.Statuses.Contains(r.Status))
                .Where(r => query.CreatedFrom is null || r.CreatedTime >= query.CreatedFrom)
                .Where(r => query.CreatedTo is null || r.CreatedTime <= query.CreatedTo)
                .Where(r => query.InstanceIdPrefix is null || r.InstanceId.StartsWith(query.InstanceIdPrefix, StringComparison.Ordinal))
                .Where(r => after is not { } a || CompareKey(r, a) * direction > 0);
            List<InstanceRecord> matches = [.. (query.Descending
                    ? filtered.OrderByDescending(r => r.CreatedTime.UtcTicks).ThenByDescending(r => r.InstanceId, StringComparer.Ordinal)
                    : filtered.OrderBy(r => r.CreatedTime.UtcTicks).ThenBy(r => r.InstanceId, StringComparer.Ordinal))
                .Take(pageSize + 1)];
            string? token = null;
            if (matches.Count > pageSize)
            {
                matches.RemoveAt(matches.Count - 1);
                token = ContinuationToken.Encode(matches[^1].CreatedTime.UtcTicks, matches[^1].InstanceId, query.Descending);
            }

            return Task.FromResult(new InstancePage(matches, token));
        }
    }

    /// <summary>The row's key compared with a token's key: created ticks, then id (ordinal).</summary>
    private static int CompareKey(InstanceRecord record, (long Ticks, string Id) key)
    {
        int byTime = record.CreatedTime.UtcTicks.CompareTo(key.Ticks);
        return byTime != 0 ? byTime : Math.Sign(string.CompareOrdinal(record.InstanceId, key.Id));
    }

    /// <inheritdoc/>
    public Task<int> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        lock (this.gate)
        {
            if (!this.instances.TryGetValue(instanceId, out InMemoryInstance? state) || !state.Record.Status.IsTerminal())
            {
                return Task.FromResult(0);
            }

            this.Delete(instanceId);
            return Task.FromResult(1);
        }
    }

    /// <inheritdoc/>
    public Task<int> PurgeInstancesAsync(PurgeFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (this.gate)
        {
            List<string> ids = [.. this.instances.Values
                .Select(s => s.Record)
                .Where(r => r.Status.IsTerminal()
                    && r.CreatedTime >= filter.CreatedFrom
                    && (filter.CreatedTo is null || r.CreatedTime <= filter.CreatedTo)
                    && (filter.Statuses is null || filter.Statuses.Count == 0 || filter.Statuses.Contains(r.Status)))
                .Select(r => r.InstanceId)];
            ids.ForEach(this.Delete);
            return Task.FromResult(ids.Count);
        }
    }

    /// <inheritdoc/>
    public Task<DateTimeOffset?> GetNextWakeUpTimeAsync(CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            DateTimeOffset now = this.time.GetUtcNow();
            List<DateTimeOffset> candidates = [.. this.inbox.Values.Select(m => m.VisibleTime)
                .Concat(this.tasks.Values.Select(t => t.LeaseOwner is null ? t.VisibleTime : t.LeaseExpiration))
                .Concat(this.instances.Values.Where(s => s.LeaseOwner is not null).Select(s => s.LeaseExpiration))
                .Where(t => t > now)];
            return Task.FromResult(candidates.Count > 0 ? candidates.Min() : (DateTimeOffset?)null);
        }
    }
}
