using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Durable.Sqlite;

/// <summary>Activity work items: lease, complete (result into the orchestration's inbox), abandon, renew.</summary>
public sealed partial class SqliteOrchestrationStore
{
    /// <inheritdoc/>
    public Task<ActivityWorkItem?> LeaseActivityAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        this.Db.TransactAsync(
            tx =>
            {
                long now = SqliteRows.Ticks(this.time.GetUtcNow());
                using SqliteCommand select = this.Db.Command(
                    tx,
                    "SELECT sequence, instance_id, execution_id, name, task_id, input, visible_time, dequeue_count FROM tasks " +
                    "WHERE hub = $hub AND visible_time <= $now AND (locked_by IS NULL OR lock_expiration <= $now) ORDER BY visible_time, sequence LIMIT 1",
                    ("$hub", this.hub),
                    ("$now", now));
                ActivityWorkItem? item = null;
                using (SqliteDataReader r = select.ExecuteReader())
                {
                    if (!r.Read())
                    {
                        return null;
                    }

                    NewActivityTask task = new(r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.IsDBNull(5) ? null : r.GetString(5), SqliteRows.Time(r.GetInt64(6)));
                    item = new ActivityWorkItem(r.GetInt64(0), task, r.GetInt32(7) + 1, owner, SqliteRows.Time(now + leaseDuration.Ticks));
                }

                this.Db.Execute(
                    tx,
                    "UPDATE tasks SET locked_by = $owner, lock_expiration = $exp, dequeue_count = dequeue_count + 1 WHERE sequence = $seq",
                    ("$owner", owner),
                    ("$exp", now + leaseDuration.Ticks),
                    ("$seq", item.SequenceNumber));
                return item;
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task CompleteActivityAsync(ActivityWorkItem workItem, HistoryEvent result, CancellationToken cancellationToken) =>
        this.Db.TransactAsync(
            tx =>
            {
                int deleted = this.Db.Execute(
                    tx,
                    "DELETE FROM tasks WHERE sequence = $seq AND locked_by = $owner AND lock_expiration > $now",
                    ("$seq", workItem.SequenceNumber),
                    ("$owner", workItem.Owner),
                    ("$now", SqliteRows.Ticks(this.time.GetUtcNow())));
                if (deleted == 0)
                {
                    throw new LeaseLostException($"The lease on activity task {workItem.SequenceNumber} is no longer held by '{workItem.Owner}'.");
                }

                object? status = this.Db.Scalar(
                    tx,
                    "SELECT status FROM instances WHERE hub = $hub AND instance_id = $id AND execution_id = $exec",
                    ("$hub", this.hub),
                    ("$id", workItem.Task.InstanceId),
                    ("$exec", workItem.Task.ExecutionId));
                if (status is not null && !((OrchestrationRuntimeStatus)Convert.ToInt32(status, System.Globalization.CultureInfo.InvariantCulture)).IsTerminal())
                {
                    this.InsertMessage(tx, new NewMessage(workItem.Task.InstanceId, workItem.Task.ExecutionId, result));
                }

                return 0;
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task AbandonActivityAsync(ActivityWorkItem workItem, TimeSpan retryDelay, CancellationToken cancellationToken) =>
        this.Db.TransactAsync(
            tx => this.Db.Execute(
                tx,
                "UPDATE tasks SET locked_by = NULL, lock_expiration = NULL, visible_time = $visible WHERE sequence = $seq AND locked_by = $owner",
                ("$visible", SqliteRows.Ticks(this.time.GetUtcNow() + retryDelay)),
                ("$seq", workItem.SequenceNumber),
                ("$owner", workItem.Owner)),
            cancellationToken);

    /// <inheritdoc/>
    public Task<bool> RenewActivityLeaseAsync(ActivityWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        this.Db.TransactAsync(
            tx =>
            {
                DateTimeOffset now = this.time.GetUtcNow();
                int renewed = this.Db.Execute(
                    tx,
                    "UPDATE tasks SET lock_expiration = $exp WHERE sequence = $seq AND locked_by = $owner AND lock_expiration > $now",
                    ("$exp", SqliteRows.Ticks(now + leaseDuration)),
                    ("$seq", workItem.SequenceNumber),
                    ("$owner", workItem.Owner),
                    ("$now", SqliteRows.Ticks(now)));
                if (renewed > 0)
                {
                    workItem.LeaseExpiration = now + leaseDuration;
                }

                return renewed > 0;
            },
            cancellationToken);
}
