using System.Globalization;
using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Postgres;

/// <summary>Raised events under the per-instance cap.</summary>
public sealed partial class PostgresOrchestrationStore
{
    /// <inheritdoc/>
    public Task<EnqueueResult> EnqueueEventAsync(string instanceId, HistoryEvent raised, int maxEvents, CancellationToken cancellationToken) =>
        this.EnqueueEventAsync(instanceId, raised, maxEvents, announce: true, cancellationToken);

    /// <inheritdoc/>
    public Task<EnqueueResult> EnqueueEventForOwnEpisodeAsync(string instanceId, HistoryEvent raised, int maxEvents, CancellationToken cancellationToken) =>
        this.EnqueueEventAsync(instanceId, raised, maxEvents, announce: false, cancellationToken);

    private async Task<EnqueueResult> EnqueueEventAsync(string instanceId, HistoryEvent raised, int maxEvents, bool announce, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        EventBudget.Check(raised, maxEvents);
        string payload = PostgresRows.Serialize(raised);
        EnqueueResult result = await this.Db.WriteInOneRoundTripAsync(
            async s =>
            {
                long now = PostgresRows.Ticks(this.time.GetUtcNow());
                (List<int> status, List<bool> queued) = await s.QueryBothAsync(
                    this.LockForEvent(instanceId),
                    r => r.GetInt32(0),
                    this.QueueEvent(instanceId, payload, maxEvents, now),
                    _ => true,
                    cancellationToken).ConfigureAwait(false);
                return ResultOf(status, queued);
            },
            cancellationToken).ConfigureAwait(false);
        if (result == EnqueueResult.Accepted && announce)
        {
            this.Notify(OrchestrationWork);
        }

        return result;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The enqueue's two statements, then the lease of this instance, then its history found by that lease: one round
    /// trip, one transaction. The lease is a statement of its own so that it sees the event just inserted (each statement
    /// of a transaction sees what the ones before it wrote), and its instance row is already locked by the first one.
    /// An event left for a lease wakes the other hosts, unless the caller's own live lease holds the instance: its episode
    /// runs on the caller, which looks again after it, and nobody else could lease it meanwhile.
    /// </remarks>
    public async Task<EnqueuedEvent> EnqueueEventLeasedAsync(string instanceId, HistoryEvent raised, int maxEvents, string owner, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        EventBudget.Check(raised, maxEvents);
        string payload = PostgresRows.Serialize(raised);
        long token = LeaseTokens.New();
        List<int> status = [];
        bool heldByCaller = false;
        List<bool> queued = [];
        List<(InstanceRecord Instance, OrchestrationMessage? Message)> leased = [];
        List<(long Sequence, string Payload)> historyRows = [];
        long expiration = 0;
        await MayLeaseAsync(token, this.Db.WriteInOneRoundTripAsync(
            async s =>
            {
                long now = PostgresRows.Ticks(this.time.GetUtcNow());
                expiration = now + leaseDuration.Ticks;
                await s.QueryEachAsync(
                    [
                        (this.LockForEvent(instanceId, owner, now), r =>
                        {
                            status.Add(r.GetInt32(0));
                            heldByCaller = r.GetBoolean(1);
                        }),
                        (this.QueueEvent(instanceId, payload, maxEvents, now), _ => queued.Add(true)),
                        (this.LeaseInstance(instanceId, owner, token, expiration, now, maxMessages), r => leased.Add(PostgresRows.ReadInstanceAndMessage(r))),
                        (this.HistoryOfLease(instanceId, owner, token), r => historyRows.Add((r.GetInt64(0), r.GetString(1)))),
                    ],
                    cancellationToken).ConfigureAwait(false);
                return 0;
            },
            cancellationToken)).ConfigureAwait(false);
        EnqueueResult result = ResultOf(status, queued);
        if (leased.Count == 0)
        {
            if (result == EnqueueResult.Accepted && !heldByCaller)
            {
                this.Notify(OrchestrationWork);
            }

            return new EnqueuedEvent(result, null);
        }

        InstanceRecord instance = leased[0].Instance;
        return new EnqueuedEvent(result, new OrchestrationWorkItem(instance, this.ParseHistory(instance, historyRows), PostgresRows.MessagesInOrder(leased), owner, token, PostgresRows.Time(expiration)));
    }

    private static EnqueueResult ResultOf(List<int> status, List<bool> queued) =>
        status.Count == 0 ? EnqueueResult.NotFound
            : ((OrchestrationStatus)status[0]).IsTerminal() ? EnqueueResult.Gone
            : queued.Count > 0 ? EnqueueResult.Accepted
            : EnqueueResult.LimitReached;

    // FOR UPDATE (not the FOR SHARE of other messages) queues concurrent events to one instance, from any host, behind
    // each other, and waits for an episode committing it right now.
    private PostgresStatement LockForEvent(string instanceId) =>
        new(this.Sql("SELECT status FROM $s.instances WHERE hub = @hub AND instance_id = @id FOR UPDATE"), ("hub", this.hub), ("id", instanceId));

    // The same lock, also saying whether a live lease of the caller holds the instance.
    private PostgresStatement LockForEvent(string instanceId, string owner, long now) =>
        new(
            this.Sql("SELECT status, COALESCE(locked_by = @owner AND lock_expiration > @now, false) FROM $s.instances WHERE hub = @hub AND instance_id = @id FOR UPDATE"),
            ("hub", this.hub),
            ("id", instanceId),
            ("owner", owner),
            ("now", now));

    // Starts after the lock is held, so its snapshot (READ COMMITTED) counts what the event before this one inserted; rows
    // are counted, never read (the history stays in the database). It inserts only into a live instance under the cap.
    private PostgresStatement QueueEvent(string instanceId, string payload, int maxEvents, long now) =>
        new(
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
            ("now", now),
            ("payload", payload),
            ("max", (long)maxEvents),
            ("terminal", PostgresRows.TerminalStatuses));

    // The claim of LeaseOrchestrationAsync for one named instance: free, not finished, with visible messages.
    private PostgresStatement LeaseInstance(string instanceId, string owner, long token, long expiration, long now, int maxMessages) =>
        new(
            this.Sql(
                "WITH leased AS (" +
                "  UPDATE $s.instances SET locked_by = @owner, lease_token = @token, lock_expiration = @exp " +
                "  WHERE hub = @hub AND instance_id = @id AND (locked_by IS NULL OR lock_expiration <= @now) AND status <> ALL(@terminal) " +
                "  AND EXISTS (SELECT 1 FROM $s.inbox WHERE hub = @hub AND instance_id = @id AND visible_time <= @now) " +
                $"  RETURNING {PostgresRows.InstanceColumns}), " +
                TakeLeasedMessages),
            ("owner", owner),
            ("token", token),
            ("exp", expiration),
            ("hub", this.hub),
            ("id", instanceId),
            ("now", now),
            ("terminal", PostgresRows.TerminalStatuses),
            ("max", maxMessages));

    // Nothing unless the statement before took the lease.
    private PostgresStatement HistoryOfLease(string instanceId, string owner, long token) =>
        new(
            this.Sql(
                "SELECT sequence, payload FROM $s.history WHERE hub = @hub AND instance_id = @id " +
                "AND EXISTS (SELECT 1 FROM $s.instances WHERE hub = @hub AND instance_id = @id AND locked_by = @owner AND lease_token = @token) " +
                "ORDER BY sequence"),
            ("hub", this.hub),
            ("id", instanceId),
            ("owner", owner),
            ("token", token));
}
