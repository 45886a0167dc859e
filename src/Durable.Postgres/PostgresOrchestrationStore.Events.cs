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

                // Rows are counted, never read: the history stays in the database.
                long used = Convert.ToInt64(
                    await s.ScalarAsync(
                        this.Sql(
                            "SELECT (SELECT COUNT(*) FROM $s.history WHERE hub = @hub AND instance_id = @id AND event_type = @raised) " +
                            "     + (SELECT COUNT(*) FROM $s.inbox WHERE hub = @hub AND instance_id = @id AND (payload::jsonb ->> 'EventType')::int = @raised)"),
                        cancellationToken,
                        ("hub", this.hub),
                        ("id", instanceId),
                        ("raised", (int)EventType.EventRaised)).ConfigureAwait(false),
                    CultureInfo.InvariantCulture);
                if (used >= maxEvents)
                {
                    return EnqueueResult.LimitReached;
                }

                await this.InsertMessageAsync(s, new NewMessage(instanceId, null, raised), payload, PostgresRows.Ticks(this.time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                await this.NotifyAsync(s, OrchestrationWork, cancellationToken).ConfigureAwait(false);
                return EnqueueResult.Accepted;
            },
            cancellationToken);
    }
}
