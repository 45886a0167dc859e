using System.Globalization;
using System.Text;
using Durable.Core;
using Durable.Core.Storage;

namespace Durable.Postgres;

/// <summary>Listing, purging and the dispatchers' next wake-up time.</summary>
public sealed partial class PostgresOrchestrationStore
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

        // Optional filters are appended only when set, so the planner sees plain range conditions it can seek with.
        List<(string, object?)> parameters = [("hub", this.hub)];
        StringBuilder sql = new($"SELECT {PostgresRows.InstanceColumns} FROM $s.instances WHERE hub = @hub");
        if (query.Statuses is { Count: > 0 } statuses)
        {
            sql.Append(" AND status = ANY(@statuses)");
            parameters.Add(("statuses", statuses.Select(s => (int)s).ToArray()));
        }

        if (query.CreatedFrom is { } from)
        {
            sql.Append(" AND created_time >= @from");
            parameters.Add(("from", PostgresRows.Ticks(from)));
        }

        if (query.CreatedTo is { } to)
        {
            sql.Append(" AND created_time <= @to");
            parameters.Add(("to", PostgresRows.Ticks(to)));
        }

        if (!string.IsNullOrEmpty(query.InstanceIdPrefix))
        {
            // left()/length() count characters: an exact ordinal prefix test; LIKE would treat % and _ as wildcards.
            sql.Append(" AND left(instance_id, length(@prefix)) = @prefix");
            parameters.Add(("prefix", query.InstanceIdPrefix));
        }

        if (after is { } cursor)
        {
            sql.Append(query.Descending
                ? " AND (created_time, instance_id) < (@afterTicks, @afterId)"
                : " AND (created_time, instance_id) > (@afterTicks, @afterId)");
            parameters.Add(("afterTicks", cursor.Ticks));
            parameters.Add(("afterId", cursor.Id));
        }

        // Descending walks the same (hub, created_time, instance_id) index backwards: no sort, no extra index.
        sql.Append(query.Descending
            ? " ORDER BY created_time DESC, instance_id DESC LIMIT @limit"
            : " ORDER BY created_time, instance_id LIMIT @limit");
        parameters.Add(("limit", pageSize + 1));
        string text = this.Sql(sql.ToString());
        return this.Db.ReadAsync(
            async s =>
            {
                // Whether a status or time filter is selective decides the index: plan for these values.
                s.UseCustomPlans();

                // One row more than the page tells whether another page exists.
                List<InstanceRecord> rows = await s.QueryAsync(text, PostgresRows.ReadInstance, cancellationToken, [.. parameters]).ConfigureAwait(false);
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
            async s =>
            {
                // FOR UPDATE: a concurrent re-create of the same id waits until the purge is done.
                object? status = await s.ScalarAsync(
                    this.Sql("SELECT status FROM $s.instances WHERE hub = @hub AND instance_id = @id FOR UPDATE"),
                    cancellationToken,
                    ("hub", this.hub),
                    ("id", instanceId)).ConfigureAwait(false);
                if (status is not int current || !((OrchestrationStatus)current).IsTerminal())
                {
                    return 0;
                }

                await this.DeleteInstanceAsync(s, instanceId, cancellationToken).ConfigureAwait(false);
                return 1;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<int> PurgeInstancesAsync(PurgeFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        int[] statuses = filter.Statuses is { Count: > 0 }
            ? [.. filter.Statuses.Where(s => s.IsTerminal()).Select(s => (int)s)]
            : PostgresRows.TerminalStatuses;
        if (statuses.Length == 0)
        {
            return Task.FromResult(0);
        }

        List<(string, object?)> parameters = [("hub", this.hub), ("from", PostgresRows.Ticks(filter.CreatedFrom)), ("statuses", statuses)];
        if (filter.CreatedTo is { } to)
        {
            parameters.Add(("to", PostgresRows.Ticks(to)));
        }

        string match = "hub = @hub AND created_time >= @from" + (filter.CreatedTo is null ? string.Empty : " AND created_time <= @to") + " AND status = ANY(@statuses)";
        return this.Db.WriteAsync(
            async s =>
            {
                s.UseCustomPlans();

                // The instance rows define the set: lock and delete them first (RETURNING the ids), then their dependents.
                List<string> ids = await s.QueryAsync(
                    this.Sql($"DELETE FROM $s.instances WHERE {match} RETURNING instance_id"),
                    r => r.GetString(0),
                    cancellationToken,
                    [.. parameters]).ConfigureAwait(false);
                if (ids.Count > 0)
                {
                    string[] purged = [.. ids];
                    foreach (string id in purged)
                    {
                        this.historyCache.Remove(id);
                    }

                    foreach (string table in new[] { "history", "inbox", "tasks" })
                    {
                        await s.ExecuteAsync(
                            this.Sql($"DELETE FROM $s.{table} WHERE hub = @hub AND instance_id = ANY(@ids)"),
                            cancellationToken,
                            ("hub", this.hub),
                            ("ids", purged)).ConfigureAwait(false);
                    }
                }

                return ids.Count;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<DateTimeOffset?> GetNextWakeUpTimeAsync(CancellationToken cancellationToken) =>
        this.Db.ReadAsync(
            async s =>
            {
                // Four index seeks (inbox and tasks by visible time, instances and tasks by lease expiry); no scan of idle rows.
                object? next = await s.ScalarAsync(
                    this.Sql(
                        "SELECT LEAST(" +
                        " (SELECT MIN(visible_time) FROM $s.inbox WHERE hub = @hub AND visible_time > @now)," +
                        " (SELECT MIN(lock_expiration) FROM $s.instances WHERE hub = @hub AND locked_by IS NOT NULL AND lock_expiration > @now)," +
                        " (SELECT MIN(visible_time) FROM $s.tasks WHERE hub = @hub AND visible_time > @now AND locked_by IS NULL)," +
                        " (SELECT MIN(lock_expiration) FROM $s.tasks WHERE hub = @hub AND locked_by IS NOT NULL AND lock_expiration > @now))"),
                    cancellationToken,
                    ("hub", this.hub),
                    ("now", PostgresRows.Ticks(this.time.GetUtcNow()))).ConfigureAwait(false);
                return next is null ? (DateTimeOffset?)null : PostgresRows.Time(Convert.ToInt64(next, CultureInfo.InvariantCulture));
            },
            cancellationToken);
}
