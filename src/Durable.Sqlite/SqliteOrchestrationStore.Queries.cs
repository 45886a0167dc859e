using System.Globalization;
using System.Text;
using Durable.Core;
using Durable.Core.Storage;

namespace Durable.Sqlite;

/// <summary>Listing, purging and the dispatchers' next wake-up time.</summary>
public sealed partial class SqliteOrchestrationStore
{
    /// <inheritdoc/>
    /// <remarks>
    /// Keyset paging on (created time, instance id), ascending or descending: each page starts right after the previous page's last row,
    /// found through the index, so page 1,000 costs what page 1 costs and rows created meanwhile cause neither
    /// duplicates nor gaps. The continuation token is that last row's key, base64-encoded.
    /// </remarks>
    public Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        (long Ticks, string Id)? after = ContinuationToken.Decode(query.ContinuationToken, query.Descending);
        int pageSize = Math.Max(1, query.PageSize);

        // Optional filters are appended only when set (each combination is its own cached statement) so the
        // planner sees plain range conditions it can seek with.
        List<(string, object?)> parameters = [("$hub", this.hub)];
        StringBuilder sql = new($"SELECT {SqliteRows.InstanceColumns} FROM instances WHERE hub = $hub");
        if (query.Statuses is { Count: > 0 } statuses)
        {
            sql.Append(" AND status IN (SELECT value FROM json_each($statuses))");
            parameters.Add(("$statuses", SqliteRows.JsonArray(statuses.Select(s => (long)s))));
        }

        if (query.CreatedFrom is { } from)
        {
            sql.Append(" AND created_time >= $from");
            parameters.Add(("$from", SqliteRows.Ticks(from)));
        }

        if (query.CreatedTo is { } to)
        {
            sql.Append(" AND created_time <= $to");
            parameters.Add(("$to", SqliteRows.Ticks(to)));
        }

        if (!string.IsNullOrEmpty(query.InstanceIdPrefix))
        {
            // substr/length count characters, so this is an exact ordinal prefix test; LIKE would treat % and _ as wildcards.
            sql.Append(" AND substr(instance_id, 1, length($prefix)) = $prefix");
            parameters.Add(("$prefix", query.InstanceIdPrefix));
        }

        if (after is { } cursor)
        {
            sql.Append(query.Descending
                ? " AND (created_time, instance_id) < ($afterTicks, $afterId)"
                : " AND (created_time, instance_id) > ($afterTicks, $afterId)");
            parameters.Add(("$afterTicks", cursor.Ticks));
            parameters.Add(("$afterId", cursor.Id));
        }

        // Descending walks the same (hub, created_time, instance_id) index backwards: no sort, no extra index.
        sql.Append(query.Descending
            ? " ORDER BY created_time DESC, instance_id DESC LIMIT $limit"
            : " ORDER BY created_time, instance_id LIMIT $limit");
        parameters.Add(("$limit", pageSize + 1));
        string text = sql.ToString();
        return this.Db.ReadAsync(
            s =>
            {
                // One row more than the page tells whether another page exists.
                List<InstanceRecord> rows = s.Query(text, SqliteRows.ReadInstance, [.. parameters]);
                string? token = null;
                if (rows.Count > pageSize)
                {
                    rows.RemoveAt(rows.Count - 1);
                    token = ContinuationToken.Encode(rows[^1].CreatedTime.UtcTicks, rows[^1].InstanceId, query.Descending);
                }

                return new InstancePage(rows, token);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<int> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        return this.Db.WriteAsync(
            s =>
            {
                if (s.Scalar(SelectStatus, ("$hub", this.hub), ("$id", instanceId)) is not long status || !((OrchestrationStatus)status).IsTerminal())
                {
                    return 0;
                }

                this.DeleteInstance(s, instanceId);
                return 1;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<int> PurgeInstancesAsync(PurgeFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        OrchestrationStatus[] statuses = filter.Statuses is { Count: > 0 }
            ? [.. filter.Statuses.Where(s => s.IsTerminal())]
            : [.. Enum.GetValues<OrchestrationStatus>().Where(s => s.IsTerminal())];
        if (statuses.Length == 0)
        {
            return Task.FromResult(0);
        }

        string match = "SELECT instance_id FROM instances WHERE hub = $hub AND created_time >= $from" +
            (filter.CreatedTo is null ? string.Empty : " AND created_time <= $to") +
            " AND status IN (SELECT value FROM json_each($statuses))";
        List<(string, object?)> parameters =
        [
            ("$hub", this.hub),
            ("$from", SqliteRows.Ticks(filter.CreatedFrom)),
            ("$statuses", SqliteRows.JsonArray(statuses.Select(s => (long)s))),
        ];
        if (filter.CreatedTo is { } to)
        {
            parameters.Add(("$to", SqliteRows.Ticks(to)));
        }

        return this.Db.WriteAsync(
            s =>
            {
                // Set-based, dependents first and the instance rows last (they define the set), in the fixed table order.
                s.Execute($"DELETE FROM history WHERE hub = $hub AND instance_id IN ({match})", [.. parameters]);
                this.historyCache.Clear();
                s.Execute($"DELETE FROM inbox WHERE hub = $hub AND instance_id IN ({match})", [.. parameters]);
                s.Execute($"DELETE FROM tasks WHERE hub = $hub AND instance_id IN ({match})", [.. parameters]);
                return s.Execute($"DELETE FROM instances WHERE hub = $hub AND instance_id IN ({match})", [.. parameters]);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<DateTimeOffset?> GetNextWakeUpTimeAsync(CancellationToken cancellationToken) =>
        this.Db.ReadAsync(
            s =>
            {
                // Four index seeks (inbox and tasks by visible time, instances and tasks by lease expiry); no scan of idle rows.
                object? next = s.Scalar(
                    "SELECT MIN(t) FROM (" +
                    " SELECT MIN(visible_time) AS t FROM inbox WHERE hub = $hub AND visible_time > $now" +
                    " UNION ALL SELECT MIN(lock_expiration) FROM instances WHERE hub = $hub AND locked_by IS NOT NULL AND lock_expiration > $now" +
                    " UNION ALL SELECT MIN(visible_time) FROM tasks WHERE hub = $hub AND visible_time > $now AND locked_by IS NULL" +
                    " UNION ALL SELECT MIN(lock_expiration) FROM tasks WHERE hub = $hub AND locked_by IS NOT NULL AND lock_expiration > $now)",
                    ("$hub", this.hub),
                    ("$now", SqliteRows.Ticks(this.time.GetUtcNow())));
                return next is null ? (DateTimeOffset?)null : SqliteRows.Time(Convert.ToInt64(next, CultureInfo.InvariantCulture));
            },
            cancellationToken);
}
