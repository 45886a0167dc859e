using System.Globalization;
using Durable.Core;
using Durable.Core.Storage;

namespace Durable.Postgres;

/// <summary>Orchestration work items: claim (SKIP LOCKED), commit (fenced by the lease), abandon, renew.</summary>
public sealed partial class PostgresOrchestrationStore
{
    private const string AbandonedOwner = "(abandoned)";

    // The lease is on (instance, execution, owner, token) and must still be live by the store's clock: a later lease of
    // the same owner, or the lease of an instance replaced by a new start while a work item for its old execution was
    // in flight, is a different lease.
    private const string LeaseHeld = "hub = @hub AND instance_id = @id AND execution_id = @leasedExec AND locked_by = @owner AND lease_token = @token AND lock_expiration > @now";

    /// <inheritdoc/>
    /// <remarks>
    /// Walks the inbox in visibility order and claims the first instance that is free, skipping instance rows
    /// another host is claiming or committing right now (<c>FOR UPDATE SKIP LOCKED</c>), so hosts never queue
    /// behind each other and never claim the same instance. The pick is an uncorrelated scalar subquery, run once:
    /// joined as a derived table it may be re-scanned per candidate row, and each re-scan skips the row just
    /// updated and picks the next, claiming every instance at once. The inbox row is locked too: under READ COMMITTED
    /// a host that saw the instance free in its snapshot re-checks only the rows it locks, so without it another
    /// host's episode that consumed that row and finished the instance meanwhile would go unnoticed, and the instance
    /// would be leased with nothing to do.
    /// </remarks>
    public async Task<OrchestrationWorkItem?> LeaseOrchestrationAsync(string owner, TimeSpan leaseDuration, int maxMessages, IReadOnlySet<string> skipInstanceIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentNullException.ThrowIfNull(skipInstanceIds);
        try
        {
            return await this.LeaseOrchestrationCoreAsync(owner, leaseDuration, maxMessages, [.. skipInstanceIds], cancellationToken).ConfigureAwait(false);
        }
        catch (NothingToLeaseException)
        {
            return null;
        }
    }

    private static LeaseLostException LeaseLost(OrchestrationWorkItem workItem) =>
        new($"The lease on instance '{workItem.Instance.InstanceId}' (execution {workItem.Instance.ExecutionId}) is no longer held by '{workItem.Owner}': nothing was written.");

    private Task<OrchestrationWorkItem?> LeaseOrchestrationCoreAsync(string owner, TimeSpan leaseDuration, int maxMessages, string[] skip, CancellationToken cancellationToken) =>
        this.Db.WriteAsync(
            async s =>
            {
                long now = PostgresRows.Ticks(this.time.GetUtcNow());
                long expiration = now + leaseDuration.Ticks;
                long token = LeaseTokens.New();
                InstanceRecord? instance = await s.FirstAsync(
                    this.Sql(
                        "UPDATE $s.instances SET locked_by = @owner, lease_token = @token, lock_expiration = @exp WHERE hub = @hub AND instance_id = (" +
                        "  SELECT c.instance_id FROM $s.inbox m JOIN $s.instances c ON c.hub = m.hub AND c.instance_id = m.instance_id" +
                        "  WHERE m.hub = @hub AND m.visible_time <= @now AND (c.locked_by IS NULL OR c.lock_expiration <= @now)" +
                        "  AND NOT (m.instance_id = ANY(@skip))" +
                        "  ORDER BY m.visible_time, m.sequence LIMIT 1 FOR UPDATE OF c, m SKIP LOCKED) " +
                        $"RETURNING {PostgresRows.InstanceColumns}"),
                    PostgresRows.ReadInstance,
                    cancellationToken,
                    ("owner", owner),
                    ("token", token),
                    ("exp", expiration),
                    ("hub", this.hub),
                    ("now", now),
                    ("skip", skip)).ConfigureAwait(false);
                if (instance is null)
                {
                    return null;
                }

                List<OrchestrationMessage> messages = await s.QueryAsync(
                    this.Sql(
                        "UPDATE $s.inbox SET dequeue_count = dequeue_count + 1 WHERE sequence IN (" +
                        "  SELECT sequence FROM $s.inbox WHERE hub = @hub AND instance_id = @id AND visible_time <= @now" +
                        "  ORDER BY visible_time, sequence LIMIT @max) " +
                        $"RETURNING {PostgresRows.MessageColumns}"),
                    PostgresRows.ReadMessage,
                    cancellationToken,
                    ("hub", this.hub),
                    ("id", instance.InstanceId),
                    ("now", now),
                    ("max", maxMessages)).ConfigureAwait(false);

                if (messages.Count == 0)
                {
                    // Belt and braces: an instance is leased only with work. Throwing rolls the lease back.
                    throw new NothingToLeaseException();
                }

                // RETURNING yields rows in no promised order; the contract's order is visibility, then arrival.
                messages.Sort((a, b) => a.VisibleTime != b.VisibleTime ? a.VisibleTime.CompareTo(b.VisibleTime) : a.SequenceNumber.CompareTo(b.SequenceNumber));
                List<Durable.Core.History.HistoryEvent> history = await this.ReadHistoryCachedAsync(s, instance, cancellationToken).ConfigureAwait(false);
                return new OrchestrationWorkItem(instance, history, messages, owner, token, PostgresRows.Time(expiration));
            },
            cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// The fence is the first statement: the instance row changes only while this owner's lease on this execution
    /// is live by the store's clock. It also takes the row lock, so a host claiming the expired lease at this moment
    /// either waits and then sees it released, or has already taken it and this commit writes nothing.
    /// </remarks>
    public Task CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(commit);
        string instanceId = workItem.Instance.InstanceId;
        string leasedExecution = workItem.Instance.ExecutionId;
        bool terminal = commit.Status.IsTerminal();

        // Serialization happens here, outside the transaction: row locks are held only for SQL.
        int[] historyTypes = [.. commit.NewHistory.Select(e => (int)e.EventType)];
        string[] historyPayloads = [.. commit.NewHistory.Select(PostgresRows.Serialize)];
        string[] messagePayloads = [.. commit.Messages.Select(m => PostgresRows.Serialize(m.Event))];
        string[] childPayloads = [.. commit.NewInstances.Select(c => PostgresRows.Serialize(c.StartEvent))];

        return this.Db.WriteAsync(
            async s =>
            {
                long now = PostgresRows.Ticks(this.time.GetUtcNow());
                int updated = await s.ExecuteAsync(
                    this.Sql(
                        "UPDATE $s.instances SET execution_id = @exec, status = @status, input = @input, output = @output, custom_status = @custom, " +
                        "last_updated_time = @updated, completed_time = CASE WHEN @terminal THEN COALESCE(completed_time, @updated) ELSE NULL END, " +
                        $"locked_by = NULL, lock_expiration = NULL WHERE {LeaseHeld}"),
                    cancellationToken,
                    ("exec", commit.ExecutionId),
                    ("status", (int)commit.Status),
                    ("input", commit.Input),
                    ("output", commit.Output),
                    ("custom", commit.CustomStatus),
                    ("updated", PostgresRows.Ticks(commit.UpdatedTime)),
                    ("terminal", terminal),
                    ("hub", this.hub),
                    ("id", instanceId),
                    ("leasedExec", leasedExecution),
                    ("owner", workItem.Owner),
                    ("token", workItem.LeaseToken),
                    ("now", now)).ConfigureAwait(false);
                if (updated == 0)
                {
                    // Throwing rolls the transaction back: nothing of this episode is written.
                    throw LeaseLost(workItem);
                }

                await this.AppendHistoryAsync(s, instanceId, commit.ExecutionId, commit.ExecutionId != leasedExecution, historyTypes, historyPayloads, cancellationToken).ConfigureAwait(false);
                if (commit.ConsumedMessages.Count > 0)
                {
                    // Scoped to this instance: a wrong sequence number in a commit cannot delete another instance's message.
                    await s.ExecuteAsync(
                        this.Sql("DELETE FROM $s.inbox WHERE hub = @hub AND instance_id = @id AND sequence = ANY(@consumed)"),
                        cancellationToken,
                        ("hub", this.hub),
                        ("id", instanceId),
                        ("consumed", commit.ConsumedMessages.ToArray())).ConfigureAwait(false);
                }

                await this.InsertTasksAsync(s, commit.ActivityTasks, now, cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < commit.NewInstances.Count; i++)
                {
                    await this.CreateAsync(s, commit.NewInstances[i], childPayloads[i], now, cancellationToken).ConfigureAwait(false);
                }

                await this.InsertMessagesAsync(s, commit.Messages, messagePayloads, now, cancellationToken).ConfigureAwait(false);
                if (terminal)
                {
                    // Timers and late results for the finished execution can never be used: don't leave them behind.
                    await s.ExecuteAsync(
                        this.Sql("DELETE FROM $s.inbox WHERE hub = @hub AND instance_id = @id AND execution_id = @leasedExec"),
                        cancellationToken,
                        ("hub", this.hub),
                        ("id", instanceId),
                        ("leasedExec", leasedExecution)).ConfigureAwait(false);
                }

                if (commit.ActivityTasks.Count > 0)
                {
                    await this.NotifyAsync(s, ActivityWork, cancellationToken).ConfigureAwait(false);
                }

                if (commit.Messages.Count > 0 || commit.NewInstances.Count > 0)
                {
                    await this.NotifyAsync(s, OrchestrationWork, cancellationToken).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task AbandonOrchestrationAsync(OrchestrationWorkItem workItem, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        return this.Db.WriteAsync(
            async s =>
            {
                // The instance, not its messages, waits out the delay: rewriting visible times would reorder them
                // against events that arrive meanwhile. An expired lease nobody took is still this lease's to hand
                // back; a lease taken since (by anyone, this owner too) is not touched.
                int released = await s.ExecuteAsync(
                    this.Sql(
                        "UPDATE $s.instances SET locked_by = @abandoned, lock_expiration = @until " +
                        "WHERE hub = @hub AND instance_id = @id AND execution_id = @leasedExec AND locked_by = @owner AND lease_token = @token"),
                    cancellationToken,
                    ("abandoned", AbandonedOwner),
                    ("until", PostgresRows.Ticks(this.time.GetUtcNow() + retryDelay)),
                    ("hub", this.hub),
                    ("id", workItem.Instance.InstanceId),
                    ("leasedExec", workItem.Instance.ExecutionId),
                    ("owner", workItem.Owner),
                    ("token", workItem.LeaseToken)).ConfigureAwait(false);
                if (released > 0)
                {
                    // Other hosts re-read their next wake-up time, which now includes the retry time.
                    await this.NotifyAsync(s, OrchestrationWork, cancellationToken).ConfigureAwait(false);
                }

                return released;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> RenewOrchestrationLeaseAsync(OrchestrationWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        DateTimeOffset now = this.time.GetUtcNow();
        DateTimeOffset expiration = now + leaseDuration;
        bool renewed = await this.Db.WriteAsync(
            async s => await s.ExecuteAsync(
                this.Sql($"UPDATE $s.instances SET lock_expiration = @exp WHERE {LeaseHeld}"),
                cancellationToken,
                ("exp", PostgresRows.Ticks(expiration)),
                ("hub", this.hub),
                ("id", workItem.Instance.InstanceId),
                ("leasedExec", workItem.Instance.ExecutionId),
                ("owner", workItem.Owner),
                ("token", workItem.LeaseToken),
                ("now", PostgresRows.Ticks(now))).ConfigureAwait(false) > 0,
            cancellationToken).ConfigureAwait(false);

        // Only after the commit: a rolled-back attempt must not move the work item's view of its lease.
        if (renewed)
        {
            workItem.LeaseExpiration = expiration;
        }

        return renewed;
    }

    private async Task AppendHistoryAsync(PostgresSession s, string instanceId, string executionId, bool replace, int[] types, string[] payloads, CancellationToken cancellationToken)
    {
        long first;
        if (replace)
        {
            // Continue-as-new: the new execution's history replaces the old one.
            await s.ExecuteAsync(this.Sql("DELETE FROM $s.history WHERE hub = @hub AND instance_id = @id"), cancellationToken, ("hub", this.hub), ("id", instanceId)).ConfigureAwait(false);
            first = 0;
        }
        else
        {
            // Safe without a lock of its own: only the lease holder, who holds the instance row lock, appends.
            first = Convert.ToInt64(
                await s.ScalarAsync(this.Sql("SELECT COALESCE(MAX(sequence) + 1, 0) FROM $s.history WHERE hub = @hub AND instance_id = @id"), cancellationToken, ("hub", this.hub), ("id", instanceId)).ConfigureAwait(false),
                CultureInfo.InvariantCulture);
        }

        if (types.Length == 0)
        {
            return;
        }

        await s.ExecuteAsync(
            this.Sql(
                "INSERT INTO $s.history (hub, instance_id, execution_id, sequence, event_type, payload) " +
                "SELECT @hub, @id, @exec, @first + x.ord - 1, x.t, x.p FROM unnest(@types, @payloads) WITH ORDINALITY AS x(t, p, ord)"),
            cancellationToken,
            ("hub", this.hub),
            ("id", instanceId),
            ("exec", executionId),
            ("first", first),
            ("types", types),
            ("payloads", payloads)).ConfigureAwait(false);
    }

    private async Task InsertTasksAsync(PostgresSession s, IReadOnlyList<NewActivityTask> tasks, long now, CancellationToken cancellationToken)
    {
        if (tasks.Count == 0)
        {
            return;
        }

        await s.ExecuteAsync(
            this.Sql(
                "INSERT INTO $s.tasks (hub, instance_id, execution_id, name, task_id, input, visible_time) " +
                "SELECT @hub, x.id, x.exec, x.name, x.task, x.input, x.visible " +
                "FROM unnest(@ids, @execs, @names, @taskIds, @inputs, @visibles) WITH ORDINALITY AS x(id, exec, name, task, input, visible, ord) ORDER BY x.ord"),
            cancellationToken,
            ("hub", this.hub),
            ("ids", tasks.Select(t => t.InstanceId).ToArray()),
            ("execs", tasks.Select(t => t.ExecutionId).ToArray()),
            ("names", tasks.Select(t => t.Name).ToArray()),
            ("taskIds", tasks.Select(t => t.TaskId).ToArray()),
            ("inputs", tasks.Select(t => t.Input).ToArray()),
            ("visibles", tasks.Select(t => t.VisibleTime is { } visible ? PostgresRows.Ticks(visible) : now).ToArray())).ConfigureAwait(false);
    }

    private async Task InsertMessagesAsync(PostgresSession s, IReadOnlyList<NewMessage> messages, string[] payloads, long now, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        // Messages to instances that do not exist are dropped, in the same statement. ORDER BY keeps arrival order.
        await s.ExecuteAsync(
            this.Sql(
                "INSERT INTO $s.inbox (hub, instance_id, execution_id, visible_time, payload) " +
                "SELECT @hub, x.target, x.exec, x.visible, x.payload " +
                "FROM unnest(@targets, @execs, @visibles, @payloads) WITH ORDINALITY AS x(target, exec, visible, payload, ord) " +
                "WHERE EXISTS (SELECT 1 FROM $s.instances i WHERE i.hub = @hub AND i.instance_id = x.target) ORDER BY x.ord"),
            cancellationToken,
            ("hub", this.hub),
            ("targets", messages.Select(m => m.InstanceId).ToArray()),
            ("execs", messages.Select(m => m.ExecutionId).ToArray()),
            ("visibles", messages.Select(m => m.VisibleTime is { } visible ? PostgresRows.Ticks(visible) : now).ToArray()),
            ("payloads", payloads)).ConfigureAwait(false);
    }

    /// <summary>Rolls back a lease that found no message to hand out (see <see cref="LeaseOrchestrationAsync"/>).</summary>
    private sealed class NothingToLeaseException : Exception
    {
    }
}
