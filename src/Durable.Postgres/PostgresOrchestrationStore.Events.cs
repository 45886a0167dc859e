using System.Globalization;
using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Postgres;

/// <summary>Raised events under the per-instance cap.</summary>
public sealed partial class PostgresOrchestrationStore
{
    /// <inheritdoc/>
    public Task<EnqueueResult> EnqueueEventAsync(string instanceId, HistoryEvent raised, int maxEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        EventBudget.Check(raised, maxEvents);
        string payload = PostgresRows.Serialize(raised);
        return this.Db.WriteAsync(
            async s =>
            {
                // FOR UPDATE (not the FOR SHARE of other messages) queues concurrent events to one instance, from any
                // host, behind each other: each counts what the one before it inserted. It also waits for an episode
                // committing the instance right now, as FOR SHARE does.
                object? status = await s.ScalarAsync(
                    this.Sql("SELECT status FROM $s.instances WHERE hub = @hub AND instance_id = @id FOR UPDATE"),
                    cancellationToken,
                    ("hub", this.hub),
                    ("id", instanceId)).ConfigureAwait(false);
                if (status is not int current)
                {
                    return EnqueueResult.NotFound;
                }

                if (((OrchestrationStatus)current).IsTerminal())
                {
                    return EnqueueResult.Gone;
                }

                // Rows are counted, never read: the history stays in the database. Counted in a statement after the lock,
                // so its snapshot includes what the event before this one inserted.
                List<bool> queued = await s.QueryAsync(
                    this.Sql(
                        "WITH used AS (SELECT (SELECT COUNT(*) FROM $s.history WHERE hub = @hub AND instance_id = @id AND event_type = @raised) " +
                        "  + (SELECT COUNT(*) FROM $s.inbox WHERE hub = @hub AND instance_id = @id AND (payload::jsonb ->> 'EventType')::int = @raised) AS n), " +
                        "queued AS (INSERT INTO $s.inbox (hub, instance_id, execution_id, visible_time, payload) " +
                        "  SELECT @hub, @id, NULL, @now, @payload FROM used WHERE used.n < @max RETURNING 1) " +
                        "SELECT pg_notify(@channel, @notice) FROM queued"),
                    _ => true,
                    cancellationToken,
                    ("hub", this.hub),
                    ("id", instanceId),
                    ("raised", (int)EventType.EventRaised),
                    ("now", PostgresRows.Ticks(this.time.GetUtcNow())),
                    ("payload", payload),
                    ("max", (long)maxEvents),
                    ("channel", this.channel),
                    ("notice", this.Notice(OrchestrationWork))).ConfigureAwait(false);
                return queued.Count > 0 ? EnqueueResult.Accepted : EnqueueResult.LimitReached;
            },
            cancellationToken);
    }
}
