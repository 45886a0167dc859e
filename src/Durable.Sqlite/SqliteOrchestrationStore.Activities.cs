using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Sqlite;

/// <summary>Activity work items: lease, complete (result into the orchestration's inbox), abandon, renew.</summary>
public sealed partial class SqliteOrchestrationStore
{
    /// <inheritdoc/>
    public Task<ActivityWorkItem?> LeaseActivityAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return this.Db.LeaseWriteAsync(
            s =>
            {
                long now = SqliteRows.Ticks(this.time.GetUtcNow());
                DateTimeOffset expiration = SqliteRows.Time(now + leaseDuration.Ticks);
                long token = LeaseTokens.New();

                // Whether there is one to lease, and another beside it: the dispatcher asks again at once only then.
                long leasable = (long)s.Scalar(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM tasks WHERE hub = $hub AND visible_time <= $now AND (locked_by IS NULL OR lock_expiration <= $now) LIMIT 2)",
                    ("$hub", this.hub),
                    ("$now", now))!;
                if (leasable == 0)
                {
                    return null;
                }

                return s.First(
                    "UPDATE tasks SET locked_by = $owner, lease_token = $token, lock_expiration = $exp, dequeue_count = dequeue_count + 1 WHERE sequence = (" +
                    "  SELECT sequence FROM tasks WHERE hub = $hub AND visible_time <= $now AND (locked_by IS NULL OR lock_expiration <= $now)" +
                    "  ORDER BY visible_time, sequence LIMIT 1) " +
                    $"RETURNING {SqliteRows.TaskColumns}",
                    r => SqliteRows.ReadTask(r, owner, token, expiration, moreWorkVisible: leasable > 1),
                    ("$owner", owner),
                    ("$token", token),
                    ("$exp", SqliteRows.Ticks(expiration)),
                    ("$hub", this.hub),
                    ("$now", now));
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task CompleteActivityAsync(ActivityWorkItem workItem, HistoryEvent result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(result);
        string payload = SqliteRows.Serialize(result);
        return this.Db.WriteAsync(
            s =>
            {
                long now = SqliteRows.Ticks(this.time.GetUtcNow());

                // The fence: zero rows deleted means the task was leased again (by anyone) or is gone; throwing
                // rolls back, so the result is not delivered twice.
                int deleted = s.Execute(
                    "DELETE FROM tasks WHERE sequence = $seq AND hub = $hub AND locked_by = $owner AND lease_token = $token AND lock_expiration > $now",
                    ("$seq", workItem.SequenceNumber),
                    ("$hub", this.hub),
                    ("$owner", workItem.Owner),
                    ("$token", workItem.LeaseToken),
                    ("$now", now));
                if (deleted == 0)
                {
                    throw new LeaseLostException(
                        $"The lease on activity task {workItem.SequenceNumber} ('{workItem.Task.Name}' for instance '{workItem.Task.InstanceId}') " +
                        $"is no longer held by '{workItem.Owner}': the result was not stored.");
                }

                // Delivered only to the execution that asked, and only while it can still use it.
                s.Execute(
                    "INSERT INTO inbox (hub, instance_id, execution_id, visible_time, payload) " +
                    "SELECT hub, instance_id, execution_id, $now, $payload FROM instances " +
                    $"WHERE hub = $hub AND instance_id = $id AND execution_id = $exec AND status NOT IN ({SqliteRows.TerminalStatusList})",
                    ("$now", now),
                    ("$payload", payload),
                    ("$hub", this.hub),
                    ("$id", workItem.Task.InstanceId),
                    ("$exec", workItem.Task.ExecutionId));
                return 0;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task AbandonActivityAsync(ActivityWorkItem workItem, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        return this.Db.LeaseWriteAsync(
            s => s.Execute(
                "UPDATE tasks SET locked_by = NULL, lock_expiration = NULL, visible_time = $visible WHERE sequence = $seq AND hub = $hub AND locked_by = $owner AND lease_token = $token",
                ("$visible", SqliteRows.Ticks(this.time.GetUtcNow() + retryDelay)),
                ("$seq", workItem.SequenceNumber),
                ("$hub", this.hub),
                ("$owner", workItem.Owner),
                ("$token", workItem.LeaseToken)),
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> RenewActivityLeaseAsync(ActivityWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        DateTimeOffset expiration = default;
        bool renewed = await this.Db.LeaseWriteAsync(
            s =>
            {
                DateTimeOffset now = this.time.GetUtcNow();
                expiration = now + leaseDuration;
                return s.Execute(
                    "UPDATE tasks SET lock_expiration = $exp WHERE sequence = $seq AND hub = $hub AND locked_by = $owner AND lease_token = $token AND lock_expiration > $now",
                    ("$exp", SqliteRows.Ticks(expiration)),
                    ("$seq", workItem.SequenceNumber),
                    ("$hub", this.hub),
                    ("$owner", workItem.Owner),
                    ("$token", workItem.LeaseToken),
                    ("$now", SqliteRows.Ticks(now))) > 0;
            },
            cancellationToken).ConfigureAwait(false);
        if (renewed)
        {
            workItem.LeaseExpiration = expiration;
        }

        return renewed;
    }
}
