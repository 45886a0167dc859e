using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Sqlite;

/// <summary>Raised events under the per-instance cap.</summary>
public sealed partial class SqliteOrchestrationStore
{
    /// <inheritdoc/>
    public Task<EnqueueResult> EnqueueEventAsync(string instanceId, HistoryEvent raised, int maxEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        EventBudget.Check(raised, maxEvents);
        string payload = SqliteRows.Serialize(raised);
        return this.Db.WriteAsync(s => this.EnqueueEvent(s, instanceId, payload, maxEvents), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<EnqueuedEvent> EnqueueEventLeasedAsync(string instanceId, HistoryEvent raised, int maxEvents, string owner, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        EventBudget.Check(raised, maxEvents);
        string payload = SqliteRows.Serialize(raised);
        (EnqueueResult result, Claimed? claimed) = await this.Db.WriteAsync(
            s =>
            {
                EnqueueResult result = this.EnqueueEvent(s, instanceId, payload, maxEvents);

                // The same transaction of the single writer: no lease can come between the insert and this one.
                return (result, this.ClaimInstance(s, instanceId, owner, leaseDuration, SqliteRows.Ticks(this.time.GetUtcNow()), maxMessages));
            },
            cancellationToken).ConfigureAwait(false);
        return new EnqueuedEvent(result, claimed is null ? null : await this.WithHistoryAsync(claimed, owner, cancellationToken).ConfigureAwait(false));
    }

    private EnqueueResult EnqueueEvent(SqliteSession s, string instanceId, string payload, int maxEvents)
    {
        // Count and insert in one statement of the single writer: no two callers, in this process or another,
        // can both see room for the last event. Rows are counted, never read: the history stays on disk.
        int inserted = s.Execute(
            "INSERT INTO inbox (hub, instance_id, execution_id, visible_time, payload) " +
            "SELECT hub, instance_id, NULL, $visible, $payload FROM instances " +
            $"WHERE hub = $hub AND instance_id = $id AND status NOT IN ({SqliteRows.TerminalStatusList}) " +
            "AND (SELECT COUNT(*) FROM history WHERE hub = $hub AND instance_id = $id AND event_type = $raised) " +
            "  + (SELECT COUNT(*) FROM inbox WHERE hub = $hub AND instance_id = $id AND json_extract(payload, '$.EventType') = $raised) < $max",
            ("$visible", SqliteRows.Ticks(this.time.GetUtcNow())),
            ("$payload", payload),
            ("$hub", this.hub),
            ("$id", instanceId),
            ("$raised", (int)EventType.EventRaised),
            ("$max", maxEvents));
        if (inserted > 0)
        {
            return EnqueueResult.Accepted;
        }

        return s.Scalar(SelectStatus, ("$hub", this.hub), ("$id", instanceId)) is not long status ? EnqueueResult.NotFound
            : ((OrchestrationStatus)status).IsTerminal() ? EnqueueResult.Gone
            : EnqueueResult.LimitReached;
    }
}
