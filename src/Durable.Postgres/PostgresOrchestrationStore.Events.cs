using System.Globalization;
using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Postgres;

/// <summary>Raised events under the per-instance cap.</summary>
public sealed partial class PostgresOrchestrationStore
{
    /// <inheritdoc/>
    public async Task<EnqueueResult> EnqueueEventAsync(string instanceId, HistoryEvent raised, int maxEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        EventBudget.Check(raised, maxEvents);
        string payload = PostgresRows.Serialize(raised);
        EnqueueResult result = await this.Db.WriteInOneRoundTripAsync(
            async s =>
            {
                // One round trip, the whole transaction. FOR UPDATE (not the FOR SHARE of other messages) queues
                // concurrent events to one instance, from any host, behind each other, and waits for an episode
                // committing it right now. The second statement starts after the lock is held, so its snapshot (READ
                // COMMITTED) counts what the event before this one inserted; rows are counted, never read (the history
                // stays in the database). It inserts only into a live instance under the cap.
                (List<int> status, List<bool> queued) = await s.QueryBothAsync(
                    new PostgresStatement(
                        this.Sql("SELECT status FROM $s.instances WHERE hub = @hub AND instance_id = @id FOR UPDATE"),
                        ("hub", this.hub),
                        ("id", instanceId)),
                    r => r.GetInt32(0),
                    new PostgresStatement(
                        this.Sql(
                            "WITH used AS (SELECT (SELECT COUNT(*) FROM $s.history WHERE hub = @hub AND instance_id = @id AND event_type = @raised) " +
                            "  + (SELECT COUNT(*) FROM $s.inbox WHERE hub = @hub AND instance_id = @id AND (payload::jsonb ->> 'EventType')::int = @raised) AS n), " +
                            "queued AS (INSERT INTO $s.inbox (hub, instance_id, execution_id, visible_time, payload) " +
                            "  SELECT @hub, @id, NULL, @now, @payload FROM used WHERE used.n < @max " +
                            "  AND EXISTS (SELECT 1 FROM $s.instances WHERE hub = @hub AND instance_id = @id AND status <> ALL(@terminal)) RETURNING 1) " +
                            "SELECT true FROM queued"),
                        ("hub", this.hub),
                        ("id", instanceId),
                        ("raised", (int)EventType.EventRaised),
                        ("now", PostgresRows.Ticks(this.time.GetUtcNow())),
                        ("payload", payload),
                        ("max", (long)maxEvents),
                        ("terminal", PostgresRows.TerminalStatuses)),
                    _ => true,
                    cancellationToken).ConfigureAwait(false);
                return status.Count == 0 ? EnqueueResult.NotFound
                    : ((OrchestrationStatus)status[0]).IsTerminal() ? EnqueueResult.Gone
                    : queued.Count > 0 ? EnqueueResult.Accepted
                    : EnqueueResult.LimitReached;
            },
            cancellationToken).ConfigureAwait(false);
        if (result == EnqueueResult.Accepted)
        {
            this.Notify(OrchestrationWork);
        }

        return result;
    }
}
