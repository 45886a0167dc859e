using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Postgres;

/// <summary>Activity work items: claim (SKIP LOCKED), complete (result into the orchestration's inbox), abandon, renew.</summary>
public sealed partial class PostgresOrchestrationStore
{
    /// <inheritdoc/>
    public Task<ActivityWorkItem?> LeaseActivityAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return this.Db.ClaimAsync(
            s =>
            {
                long now = PostgresRows.Ticks(this.time.GetUtcNow());
                DateTimeOffset expiration = PostgresRows.Time(now + leaseDuration.Ticks);
                long token = LeaseTokens.New();

                // SKIP LOCKED: a task another host is claiming right now is passed over, not waited for. Beside the claim,
                // whether another task is leasable (the statement's snapshot still shows the claimed one free, so it is
                // left out by its sequence): the dispatcher asks again at once only then.
                return s.FirstAsync(
                    this.Sql(
                        "WITH leased AS (" +
                        "  UPDATE $s.tasks SET locked_by = @owner, lease_token = @token, lock_expiration = @exp, dequeue_count = dequeue_count + 1 WHERE sequence = (" +
                        "    SELECT sequence FROM $s.tasks WHERE hub = @hub AND visible_time <= @now AND (locked_by IS NULL OR lock_expiration <= @now)" +
                        "    ORDER BY visible_time, sequence LIMIT 1 FOR UPDATE SKIP LOCKED) " +
                        $"  RETURNING {PostgresRows.TaskColumns}) " +
                        "SELECT l.*, EXISTS (SELECT 1 FROM $s.tasks t WHERE t.hub = @hub AND t.visible_time <= @now AND (t.locked_by IS NULL OR t.lock_expiration <= @now)" +
                        "  AND t.sequence <> l.sequence) FROM leased l"),
                    r => PostgresRows.ReadTask(r, owner, token, expiration),
                    cancellationToken,
                    ("owner", owner),
                    ("token", token),
                    ("exp", PostgresRows.Ticks(expiration)),
                    ("hub", this.hub),
                    ("now", now));
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task CompleteActivityAsync(ActivityWorkItem workItem, HistoryEvent result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(result);
        string payload = PostgresRows.Serialize(result);
        await this.Db.WriteInOneRoundTripAsync(
            async s =>
            {
                long now = PostgresRows.Ticks(this.time.GetUtcNow());

                // The fence: zero rows deleted means the task was leased again (by anyone) or is gone, and require_lease
                // then raises, so the result is not delivered twice. The result hangs off the fence's row (one statement,
                // so it runs after it), goes only to the execution that asked, and only while it can still use it: FOR
                // SHARE re-reads an instance row changed since the statement began, so a just-finished one is seen.
                try
                {
                    await s.ExecuteAsync(
                        new PostgresStatement(
                            this.Sql(
                                "WITH fenced AS (DELETE FROM $s.tasks WHERE sequence = @seq AND hub = @hub AND locked_by = @owner AND lease_token = @token AND lock_expiration > @now RETURNING 1), " +
                                "delivered AS (INSERT INTO $s.inbox (hub, instance_id, execution_id, visible_time, payload) " +
                                "  SELECT i.hub, i.instance_id, i.execution_id, @now, @payload FROM $s.instances i, fenced " +
                                "  WHERE i.hub = @hub AND i.instance_id = @id AND i.execution_id = @exec AND i.status <> ALL(@terminal) FOR SHARE OF i) " +
                                "SELECT $s.require_lease(count(*)) FROM fenced"),
                            ("seq", workItem.SequenceNumber),
                            ("hub", this.hub),
                            ("owner", workItem.Owner),
                            ("token", workItem.LeaseToken),
                            ("now", now),
                            ("payload", payload),
                            ("id", workItem.Task.InstanceId),
                            ("exec", workItem.Task.ExecutionId),
                            ("terminal", PostgresRows.TerminalStatuses)),
                        cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (PostgresErrors.IsLeaseLost(e))
                {
                    throw new LeaseLostException(
                        $"The lease on activity task {workItem.SequenceNumber} ('{workItem.Task.Name}' for instance '{workItem.Task.InstanceId}') " +
                        $"is no longer held by '{workItem.Owner}': the result was not stored.");
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);

        // Also when the result was dropped (the execution finished meanwhile): a spurious wake-up costs one lease.
        this.Notify(OrchestrationWork);
    }

    /// <inheritdoc/>
    public async Task AbandonActivityAsync(ActivityWorkItem workItem, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        int released = await this.Db.WriteInOneRoundTripAsync(
            s => s.ExecuteAsync(
                this.Sql("UPDATE $s.tasks SET locked_by = NULL, lock_expiration = NULL, visible_time = @visible WHERE sequence = @seq AND hub = @hub AND locked_by = @owner AND lease_token = @token"),
                cancellationToken,
                ("visible", PostgresRows.Ticks(this.time.GetUtcNow() + retryDelay)),
                ("seq", workItem.SequenceNumber),
                ("hub", this.hub),
                ("owner", workItem.Owner),
                ("token", workItem.LeaseToken)),
            cancellationToken).ConfigureAwait(false);
        if (released > 0)
        {
            this.Notify(ActivityWork);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> RenewActivityLeaseAsync(ActivityWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        DateTimeOffset now = this.time.GetUtcNow();
        DateTimeOffset expiration = now + leaseDuration;
        bool renewed = await this.Db.WriteInOneRoundTripAsync(
            async s => await s.ExecuteAsync(
                this.Sql("UPDATE $s.tasks SET lock_expiration = @exp WHERE sequence = @seq AND hub = @hub AND locked_by = @owner AND lease_token = @token AND lock_expiration > @now"),
                cancellationToken,
                ("exp", PostgresRows.Ticks(expiration)),
                ("seq", workItem.SequenceNumber),
                ("hub", this.hub),
                ("owner", workItem.Owner),
                ("token", workItem.LeaseToken),
                ("now", PostgresRows.Ticks(now))).ConfigureAwait(false) > 0,
            cancellationToken).ConfigureAwait(false);
        if (renewed)
        {
            workItem.LeaseExpiration = expiration;
        }

        return renewed;
    }
}
