using System.Globalization;
using System.Text;
using Durable.Core;
using Durable.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Durable.Sqlite;

/// <summary>Listing, purging and the dispatchers' next wake-up time.</summary>
public sealed partial class SqliteOrchestrationStore
{
    private static readonly OrchestrationRuntimeStatus[] TerminalStatuses =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated, OrchestrationRuntimeStatus.Canceled];

    /// <inheritdoc/>
    public Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken)
    {
        (long Ticks, string Id)? after = DecodeToken(query.ContinuationToken);
        int pageSize = Math.Max(1, query.PageSize);
        return this.Db.TransactAsync(
            tx =>
            {
                List<(string, object?)> parameters = [("$hub", this.hub), ("$limit", pageSize + 1)];
                StringBuilder sql = new($"SELECT {SqliteRows.InstanceColumns} FROM instances WHERE hub = $hub");
                AppendStatusFilter(sql, query.Statuses);
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
                    sql.Append(" AND substr(instance_id, 1, length($prefix)) = $prefix");
                    parameters.Add(("$prefix", query.InstanceIdPrefix));
                }

                if (after is { } cursor)
                {
                    sql.Append(" AND (created_time > $afterTicks OR (created_time = $afterTicks AND instance_id > $afterId))");
                    parameters.Add(("$afterTicks", cursor.Ticks));
                    parameters.Add(("$afterId", cursor.Id));
                }

                sql.Append(" ORDER BY created_time, instance_id LIMIT $limit");
                using SqliteCommand command = this.Db.Command(tx, sql.ToString(), [.. parameters]);
                using SqliteDataReader reader = command.ExecuteReader();
                List<InstanceRecord> rows = [];
                while (reader.Read())
                {
                    rows.Add(SqliteRows.ReadInstance(reader));
                }

                string? token = null;
                if (rows.Count > pageSize)
                {
                    rows.RemoveAt(rows.Count - 1);
                    token = EncodeToken(rows[^1].CreatedTime.UtcTicks, rows[^1].InstanceId);
                }

                return new InstancePage(rows, token);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<int> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken) =>
        this.Db.TransactAsync(
            tx =>
            {
                InstanceRecord? record = this.ReadInstance(tx, instanceId);
                if (record is null || !record.Status.IsTerminal())
                {
                    return 0;
                }

                this.DeleteInstance(tx, instanceId);
                return 1;
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task<int> PurgeInstancesAsync(PurgeFilter filter, CancellationToken cancellationToken) =>
        this.Db.TransactAsync(
            tx =>
            {
                IReadOnlyCollection<OrchestrationRuntimeStatus> statuses = filter.Statuses is { Count: > 0 }
                    ? [.. filter.Statuses.Where(s => s.IsTerminal())]
                    : TerminalStatuses;
                if (statuses.Count == 0)
                {
                    return 0;
                }

                StringBuilder sql = new("SELECT instance_id FROM instances WHERE hub = $hub AND created_time >= $from");
                List<(string, object?)> parameters = [("$hub", this.hub), ("$from", SqliteRows.Ticks(filter.CreatedFrom))];
                if (filter.CreatedTo is { } to)
                {
                    sql.Append(" AND created_time <= $to");
                    parameters.Add(("$to", SqliteRows.Ticks(to)));
                }

                AppendStatusFilter(sql, statuses);
                List<string> ids = [];
                using (SqliteCommand command = this.Db.Command(tx, sql.ToString(), [.. parameters]))
                using (SqliteDataReader reader = command.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        ids.Add(reader.GetString(0));
                    }
                }

                ids.ForEach(id => this.DeleteInstance(tx, id));
                return ids.Count;
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task<DateTimeOffset?> GetNextWakeUpTimeAsync(CancellationToken cancellationToken) =>
        this.Db.TransactAsync(
            tx =>
            {
                object? next = this.Db.Scalar(
                    tx,
                    "SELECT MIN(t) FROM (" +
                    " SELECT MIN(visible_time) AS t FROM inbox WHERE hub = $hub AND visible_time > $now" +
                    " UNION ALL SELECT MIN(lock_expiration) FROM instances WHERE hub = $hub AND locked_by IS NOT NULL AND lock_expiration > $now" +
                    " UNION ALL SELECT MIN(CASE WHEN locked_by IS NULL THEN visible_time ELSE lock_expiration END) FROM tasks" +
                    "   WHERE hub = $hub AND (CASE WHEN locked_by IS NULL THEN visible_time ELSE lock_expiration END) > $now)",
                    ("$hub", this.hub),
                    ("$now", SqliteRows.Ticks(this.time.GetUtcNow())));
                return next is null ? (DateTimeOffset?)null : SqliteRows.Time(Convert.ToInt64(next, CultureInfo.InvariantCulture));
            },
            cancellationToken);

    private static void AppendStatusFilter(StringBuilder sql, IReadOnlyCollection<OrchestrationRuntimeStatus>? statuses)
    {
        if (statuses is { Count: > 0 })
        {
            // Enum values are integers we format ourselves: no injection surface.
            sql.Append(" AND status IN (").AppendJoin(',', statuses.Select(s => ((int)s).ToString(CultureInfo.InvariantCulture))).Append(')');
        }
    }

    private static string EncodeToken(long ticks, string id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(ticks.ToString(CultureInfo.InvariantCulture) + "|" + id));

    private static (long, string)? DecodeToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            string text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            int bar = text.IndexOf('|', StringComparison.Ordinal);
            return (long.Parse(text[..bar], CultureInfo.InvariantCulture), text[(bar + 1)..]);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new ArgumentException("The continuation token is not valid.", nameof(token), ex);
        }
    }
}
