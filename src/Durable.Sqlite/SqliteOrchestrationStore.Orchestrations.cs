using System.Globalization;
using Durable.Core;
using Durable.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Durable.Sqlite;

/// <summary>Orchestration work items: lease, commit (fenced by the lease owner), abandon, renew.</summary>
public sealed partial class SqliteOrchestrationStore
{
    private const string AbandonedOwner = "(abandoned)";

    /// <inheritdoc/>
    public Task<OrchestrationWorkItem?> LeaseOrchestrationAsync(string owner, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken) =>
        this.Db.TransactAsync(
            tx =>
            {
                long now = SqliteRows.Ticks(this.time.GetUtcNow());
                object? found = this.Db.Scalar(
                    tx,
                    "SELECT m.instance_id FROM inbox m JOIN instances i ON i.hub = m.hub AND i.instance_id = m.instance_id " +
                    "WHERE m.hub = $hub AND m.visible_time <= $now AND (i.locked_by IS NULL OR i.lock_expiration <= $now) " +
                    "ORDER BY m.visible_time, m.sequence LIMIT 1",
                    ("$hub", this.hub),
                    ("$now", now));
                if (found is not string instanceId)
                {
                    return null;
                }

                long expiration = now + leaseDuration.Ticks;
                this.Db.Execute(tx, "UPDATE instances SET locked_by = $owner, lock_expiration = $exp WHERE hub = $hub AND instance_id = $id", ("$owner", owner), ("$exp", expiration), ("$hub", this.hub), ("$id", instanceId));
                List<OrchestrationMessage> messages = this.ReadVisibleMessages(tx, instanceId, now, maxMessages);
                using (SqliteCommand bump = this.Db.Command(tx, "UPDATE inbox SET dequeue_count = dequeue_count + 1 WHERE sequence = $seq", ("$seq", 0L)))
                {
                    foreach (OrchestrationMessage message in messages)
                    {
                        bump.Parameters["$seq"].Value = message.SequenceNumber;
                        bump.ExecuteNonQuery();
                    }
                }
                InstanceRecord instance = this.ReadInstance(tx, instanceId)!;
                return new OrchestrationWorkItem(instance, this.ReadHistory(tx, instanceId), messages, owner, SqliteRows.Time(expiration));
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken) =>
        this.Db.TransactAsync(
            tx =>
            {
                string instanceId = workItem.Instance.InstanceId;
                string oldExecution = this.RequireOrchestrationLease(tx, workItem);
                long nextSequence;
                if (commit.ExecutionId != oldExecution)
                {
                    this.Db.Execute(tx, "DELETE FROM history WHERE hub = $hub AND instance_id = $id", ("$hub", this.hub), ("$id", instanceId));
                    nextSequence = 0;
                }
                else
                {
                    nextSequence = Convert.ToInt64(this.Db.Scalar(tx, "SELECT COALESCE(MAX(sequence) + 1, 0) FROM history WHERE hub = $hub AND instance_id = $id", ("$hub", this.hub), ("$id", instanceId)), CultureInfo.InvariantCulture);
                }

                this.AppendHistory(tx, instanceId, nextSequence, commit);
                bool terminal = commit.Status.IsTerminal();
                this.Db.Execute(
                    tx,
                    "UPDATE instances SET execution_id = $exec, status = $status, input = $input, output = $output, custom_status = $custom, " +
                    "last_updated_time = $updated, completed_time = CASE WHEN $terminal THEN COALESCE(completed_time, $updated) ELSE NULL END, " +
                    "locked_by = NULL, lock_expiration = NULL WHERE hub = $hub AND instance_id = $id",
                    ("$exec", commit.ExecutionId),
                    ("$status", (int)commit.Status),
                    ("$input", commit.Input),
                    ("$output", commit.Output),
                    ("$custom", commit.CustomStatus),
                    ("$updated", SqliteRows.Ticks(commit.UpdatedTime)),
                    ("$terminal", terminal),
                    ("$hub", this.hub),
                    ("$id", instanceId));
                this.DeleteMessages(tx, commit.ConsumedMessages);
                if (terminal)
                {
                    // Timers and late results for the finished execution can never be used: don't leave them behind.
                    this.Db.Execute(tx, "DELETE FROM inbox WHERE hub = $hub AND instance_id = $id AND execution_id = $exec", ("$hub", this.hub), ("$id", instanceId), ("$exec", oldExecution));
                }

                this.InsertTasks(tx, commit.ActivityTasks);
                foreach (NewInstance child in commit.NewInstances)
                {
                    this.Create(tx, child);
                }

                foreach (NewMessage message in commit.Messages)
                {
                    if (message.InstanceId == instanceId || this.Db.Scalar(tx, "SELECT 1 FROM instances WHERE hub = $hub AND instance_id = $id", ("$hub", this.hub), ("$id", message.InstanceId)) is not null)
                    {
                        this.InsertMessage(tx, message);
                    }
                }

                return 0;
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task AbandonOrchestrationAsync(OrchestrationWorkItem workItem, TimeSpan retryDelay, CancellationToken cancellationToken) =>
        this.Db.TransactAsync(
            tx =>
            {
                // The instance, not its messages, waits out the delay: rewriting visible times would reorder
                // them against events that arrive meanwhile. A lease nobody renews expires by itself.
                return this.Db.Execute(
                    tx,
                    "UPDATE instances SET locked_by = $abandoned, lock_expiration = $until WHERE hub = $hub AND instance_id = $id AND locked_by = $owner",
                    ("$abandoned", AbandonedOwner),
                    ("$until", SqliteRows.Ticks(this.time.GetUtcNow() + retryDelay)),
                    ("$hub", this.hub),
                    ("$id", workItem.Instance.InstanceId),
                    ("$owner", workItem.Owner));
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task<bool> RenewOrchestrationLeaseAsync(OrchestrationWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        this.Db.TransactAsync(
            tx =>
            {
                DateTimeOffset now = this.time.GetUtcNow();
                int renewed = this.Db.Execute(
                    tx,
                    "UPDATE instances SET lock_expiration = $exp WHERE hub = $hub AND instance_id = $id AND locked_by = $owner AND lock_expiration > $now",
                    ("$exp", SqliteRows.Ticks(now + leaseDuration)),
                    ("$hub", this.hub),
                    ("$id", workItem.Instance.InstanceId),
                    ("$owner", workItem.Owner),
                    ("$now", SqliteRows.Ticks(now)));
                if (renewed > 0)
                {
                    workItem.LeaseExpiration = now + leaseDuration;
                }

                return renewed > 0;
            },
            cancellationToken);

    private string RequireOrchestrationLease(SqliteTransaction tx, OrchestrationWorkItem workItem)
    {
        object? execution = this.Db.Scalar(
            tx,
            "SELECT execution_id FROM instances WHERE hub = $hub AND instance_id = $id AND locked_by = $owner AND lock_expiration > $now",
            ("$hub", this.hub),
            ("$id", workItem.Instance.InstanceId),
            ("$owner", workItem.Owner),
            ("$now", SqliteRows.Ticks(this.time.GetUtcNow())));
        return execution as string
            ?? throw new LeaseLostException($"The lease on instance '{workItem.Instance.InstanceId}' is no longer held by '{workItem.Owner}'.");
    }

    private List<OrchestrationMessage> ReadVisibleMessages(SqliteTransaction tx, string instanceId, long now, int maxMessages)
    {
        using SqliteCommand command = this.Db.Command(
            tx,
            "SELECT sequence, execution_id, visible_time, dequeue_count, payload FROM inbox " +
            "WHERE hub = $hub AND instance_id = $id AND visible_time <= $now ORDER BY visible_time, sequence LIMIT $max",
            ("$hub", this.hub),
            ("$id", instanceId),
            ("$now", now),
            ("$max", maxMessages));
        using SqliteDataReader r = command.ExecuteReader();
        List<OrchestrationMessage> messages = [];
        while (r.Read())
        {
            messages.Add(new OrchestrationMessage(
                r.GetInt64(0),
                instanceId,
                r.IsDBNull(1) ? null : r.GetString(1),
                SqliteRows.Deserialize(r.GetString(4)),
                SqliteRows.Time(r.GetInt64(2)),
                r.GetInt32(3) + 1));
        }

        return messages;
    }

    private void AppendHistory(SqliteTransaction tx, string instanceId, long firstSequence, OrchestrationCommit commit)
    {
        using SqliteCommand insert = this.Db.Command(
            tx,
            "INSERT INTO history (hub, instance_id, sequence, event_type, payload) VALUES ($hub, $id, $seq, $type, $payload)",
            ("$hub", this.hub),
            ("$id", instanceId),
            ("$seq", 0L),
            ("$type", 0),
            ("$payload", string.Empty));
        long sequence = firstSequence;
        foreach (var e in commit.NewHistory)
        {
            insert.Parameters["$seq"].Value = sequence++;
            insert.Parameters["$type"].Value = (int)e.EventType;
            insert.Parameters["$payload"].Value = SqliteRows.Serialize(e);
            insert.ExecuteNonQuery();
        }
    }

    private void DeleteMessages(SqliteTransaction tx, IReadOnlyList<long> sequences)
    {
        using SqliteCommand delete = this.Db.Command(tx, "DELETE FROM inbox WHERE sequence = $seq", ("$seq", 0L));
        foreach (long sequence in sequences)
        {
            delete.Parameters["$seq"].Value = sequence;
            delete.ExecuteNonQuery();
        }
    }

    private void InsertTasks(SqliteTransaction tx, IReadOnlyList<NewActivityTask> tasks)
    {
        long now = SqliteRows.Ticks(this.time.GetUtcNow());
        foreach (NewActivityTask task in tasks)
        {
            this.Db.Execute(
                tx,
                "INSERT INTO tasks (hub, instance_id, execution_id, name, task_id, input, visible_time) VALUES ($hub, $id, $exec, $name, $task, $input, $visible)",
                ("$hub", this.hub),
                ("$id", task.InstanceId),
                ("$exec", task.ExecutionId),
                ("$name", task.Name),
                ("$task", task.TaskId),
                ("$input", task.Input),
                ("$visible", task.VisibleTime is { } visible ? SqliteRows.Ticks(visible) : now));
        }
    }
}
