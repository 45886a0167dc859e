using System.Globalization;
using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Sqlite;

/// <summary>Orchestration work items: lease, commit (fenced by the lease), abandon, renew.</summary>
public sealed partial class SqliteOrchestrationStore
{
    private const string AbandonedOwner = "(abandoned)";

    // The lease is on (instance, execution, owner, token) and must still be live: a later lease of the same owner, or
    // the lease of an instance replaced by a new start while a work item for its old execution was in flight, is a
    // different lease.
    private const string LeaseHeld = "hub = $hub AND instance_id = $id AND execution_id = $leasedExec AND locked_by = $owner AND lease_token = $token AND lock_expiration > $now";

    // The visible messages of free instances. CROSS JOIN fixes the join order: walk the inbox in visibility order (index
    // ix_inbox_visible) and stop at the first row whose instance is free, instead of walking every idle instance
    // looking for messages. {0} is empty, or the clause skipping the instances the caller still runs.
    private const string LeasableMessages =
        "inbox m CROSS JOIN instances i ON i.hub = m.hub AND i.instance_id = m.instance_id" +
        "  WHERE m.hub = $hub AND m.visible_time <= $now AND (i.locked_by IS NULL OR i.lock_expiration <= $now){0}";

    // Pick and claim in one statement.
    private const string LeaseSql =
        "UPDATE instances SET locked_by = $owner, lease_token = $token, lock_expiration = $exp WHERE hub = $hub AND instance_id = (" +
        "  SELECT m.instance_id FROM " + LeasableMessages +
        "  ORDER BY m.visible_time, m.sequence LIMIT 1) " +
        "RETURNING " + SqliteRows.InstanceColumns;

    // Whether another instance is leasable now, asked right after the claim in its transaction (which the claimed instance
    // is then no longer): the dispatcher asks for more at once only when there is.
    private const string MoreSql = "SELECT EXISTS (SELECT 1 FROM " + LeasableMessages + ")";

    private const string SkipClause = " AND m.instance_id NOT IN (SELECT value FROM json_each($skip))";

    private static readonly string LeaseAnySql = string.Format(CultureInfo.InvariantCulture, LeaseSql, string.Empty);
    private static readonly string LeaseSkippingSql = string.Format(CultureInfo.InvariantCulture, LeaseSql, SkipClause);
    private static readonly string MoreAnySql = string.Format(CultureInfo.InvariantCulture, MoreSql, string.Empty);
    private static readonly string MoreSkippingSql = string.Format(CultureInfo.InvariantCulture, MoreSql, SkipClause);

    /// <inheritdoc/>
    public async Task<OrchestrationWorkItem?> LeaseOrchestrationAsync(string owner, TimeSpan leaseDuration, int maxMessages, IReadOnlySet<string> skipInstanceIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(skipInstanceIds);
        string? skip = skipInstanceIds.Count == 0 ? null : System.Text.Json.JsonSerializer.Serialize(skipInstanceIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        Claimed? claimed = await this.Db.LeaseWriteAsync(
            s =>
            {
                long now = SqliteRows.Ticks(this.time.GetUtcNow());
                long expiration = now + leaseDuration.Ticks;
                long token = LeaseTokens.New();
                InstanceRecord? instance = skip is null
                    ? s.First(LeaseAnySql, SqliteRows.ReadInstance, ("$owner", owner), ("$token", token), ("$exp", expiration), ("$hub", this.hub), ("$now", now))
                    : s.First(LeaseSkippingSql, SqliteRows.ReadInstance, ("$owner", owner), ("$token", token), ("$exp", expiration), ("$hub", this.hub), ("$now", now), ("$skip", skip));
                if (instance is null)
                {
                    return null;
                }

                List<OrchestrationMessage> messages = this.TakeMessages(s, instance.InstanceId, maxMessages, now);
                bool more = Convert.ToBoolean(
                    skip is null
                        ? s.Scalar(MoreAnySql, ("$hub", this.hub), ("$now", now))
                        : s.Scalar(MoreSkippingSql, ("$hub", this.hub), ("$now", now), ("$skip", skip)),
                    CultureInfo.InvariantCulture);
                return new Claimed(instance, messages, token, expiration, more);
            },
            cancellationToken).ConfigureAwait(false);
        return claimed is null ? null : await this.WithHistoryAsync(claimed, owner, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Leases the named instance when it is free, not finished and has visible messages, with up to
    /// <paramref name="maxMessages"/> of them; null otherwise. Inside the caller's write transaction.
    /// </summary>
    private Claimed? ClaimInstance(SqliteSession s, string instanceId, string owner, TimeSpan leaseDuration, long now, int maxMessages)
    {
        long expiration = now + leaseDuration.Ticks;
        long token = LeaseTokens.New();
        InstanceRecord? instance = s.First(
            "UPDATE instances SET locked_by = $owner, lease_token = $token, lock_expiration = $exp " +
            $"WHERE hub = $hub AND instance_id = $id AND (locked_by IS NULL OR lock_expiration <= $now) AND status NOT IN ({SqliteRows.TerminalStatusList}) " +
            "AND EXISTS (SELECT 1 FROM inbox WHERE hub = $hub AND instance_id = $id AND visible_time <= $now) " +
            "RETURNING " + SqliteRows.InstanceColumns,
            SqliteRows.ReadInstance,
            ("$owner", owner),
            ("$token", token),
            ("$exp", expiration),
            ("$hub", this.hub),
            ("$id", instanceId),
            ("$now", now));
        return instance is null ? null : new Claimed(instance, this.TakeMessages(s, instanceId, maxMessages, now), token, expiration, More: true);
    }

    /// <summary>Counts up to <paramref name="maxMessages"/> of the just-leased instance's visible messages as leased once more, and returns them in order.</summary>
    private List<OrchestrationMessage> TakeMessages(SqliteSession s, string instanceId, int maxMessages, long now)
    {
        List<OrchestrationMessage> messages = s.Query(
            "UPDATE inbox SET dequeue_count = dequeue_count + 1 WHERE sequence IN (" +
            "  SELECT sequence FROM inbox WHERE hub = $hub AND instance_id = $id AND visible_time <= $now" +
            "  ORDER BY visible_time, sequence LIMIT $max) " +
            $"RETURNING {SqliteRows.MessageColumns}",
            SqliteRows.ReadMessage,
            ("$hub", this.hub),
            ("$id", instanceId),
            ("$now", now),
            ("$max", maxMessages));

        // RETURNING yields rows in no promised order; the contract's order is visibility, then arrival.
        messages.Sort((a, b) => a.VisibleTime != b.VisibleTime ? a.VisibleTime.CompareTo(b.VisibleTime) : a.SequenceNumber.CompareTo(b.SequenceNumber));
        return messages;
    }

    /// <summary>
    /// The work item of a committed lease. The history is read after the lease committed, on a read connection, so the
    /// single writer is not held while a long history is read and parsed. The lease keeps it from changing meanwhile: only
    /// the holder appends, and a replace or purge (terminal instances only) is caught by the commit's fence on the
    /// execution id. Should the read fail, the lease runs out as after a crash.
    /// </summary>
    private async Task<OrchestrationWorkItem> WithHistoryAsync(Claimed claimed, string owner, CancellationToken cancellationToken)
    {
        List<HistoryEvent> history = await this.Db.ReadAsync(s => this.ReadHistoryCached(s, claimed.Instance), cancellationToken).ConfigureAwait(false);
        return new OrchestrationWorkItem(claimed.Instance, history, claimed.Messages, owner, claimed.Token, SqliteRows.Time(claimed.Expiration)) { MoreWorkVisible = claimed.More };
    }

    /// <inheritdoc/>
    public Task CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken) =>
        this.CommitAsync(workItem, commit, (_, _) => 0, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>The lease is <see cref="ClaimInstance"/>'s, in the commit's write transaction; the history is the one just written, not read back.</remarks>
    public async Task<OrchestrationWorkItem?> CompleteOrchestrationAndLeaseAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        Claimed? claimed = await this.CommitAsync(
            workItem,
            commit,
            (s, now) => this.ClaimInstance(s, workItem.Instance.InstanceId, workItem.Owner, leaseDuration, now, maxMessages),
            cancellationToken).ConfigureAwait(false);
        return claimed is null
            ? null
            : new OrchestrationWorkItem(claimed.Instance, workItem.HistoryAfter(commit), claimed.Messages, workItem.Owner, claimed.Token, SqliteRows.Time(claimed.Expiration));
    }

    /// <summary>Applies the commit, fenced by the lease, then runs <paramref name="then"/> in the same write transaction.</summary>
    private Task<T> CommitAsync<T>(OrchestrationWorkItem workItem, OrchestrationCommit commit, Func<SqliteSession, long, T> then, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(commit);
        SerializedCommit serialized = SerializedCommit.Of(commit);
        return this.Db.WriteAsync(
            s =>
            {
                long now = SqliteRows.Ticks(this.time.GetUtcNow());
                this.Apply(s, workItem, commit, serialized, now);
                return then(s, now);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>The checks are the lease's own statement; the single writer's transaction keeps anything from coming between it and the commit.</remarks>
    public Task<bool> CommitIfUnchangedAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(commit);
        SerializedCommit serialized = SerializedCommit.Of(commit);
        InstanceRecord expected = workItem.Instance;
        return this.Db.WriteAsync(
            s =>
            {
                long now = SqliteRows.Ticks(this.time.GetUtcNow());
                int leased = s.Execute(
                    "UPDATE instances SET locked_by = $owner, lease_token = $token, lock_expiration = $exp " +
                    "WHERE hub = $hub AND instance_id = $id AND execution_id = $exec AND status = $status AND (locked_by IS NULL OR lock_expiration <= $now) " +
                    "AND (SELECT COALESCE(MAX(sequence) + 1, 0) FROM history WHERE hub = $hub AND instance_id = $id) = $count " +
                    "AND NOT EXISTS (SELECT 1 FROM inbox WHERE hub = $hub AND instance_id = $id AND visible_time <= $now)",
                    ("$owner", workItem.Owner),
                    ("$token", workItem.LeaseToken),
                    ("$exp", SqliteRows.Ticks(workItem.LeaseExpiration)),
                    ("$hub", this.hub),
                    ("$id", expected.InstanceId),
                    ("$exec", expected.ExecutionId),
                    ("$status", (int)expected.Status),
                    ("$now", now),
                    ("$count", workItem.History.Count));
                if (leased == 0)
                {
                    return false;
                }

                this.Apply(s, workItem, commit, serialized, now);
                return true;
            },
            cancellationToken);
    }

    /// <summary>Applies the commit in the caller's write transaction, fenced by the work item's lease (which it releases).</summary>
    private void Apply(SqliteSession s, OrchestrationWorkItem workItem, OrchestrationCommit commit, SerializedCommit serialized, long now)
    {
        string instanceId = workItem.Instance.InstanceId;
        string leasedExecution = workItem.Instance.ExecutionId;
        bool terminal = commit.Status.IsTerminal();

        // The fence: the instance row changes only while this owner's lease on this execution is live.
        // Zero rows means the lease was lost; throwing rolls back the whole transaction.
        int updated = s.Execute(
            "UPDATE instances SET execution_id = $exec, status = $status, input = $input, output = $output, custom_status = $custom, " +
            "last_updated_time = $updated, completed_time = CASE WHEN $terminal THEN COALESCE(completed_time, $updated) ELSE NULL END, " +
            $"locked_by = NULL, lock_expiration = NULL WHERE {LeaseHeld}",
            ("$exec", commit.ExecutionId),
            ("$status", (int)commit.Status),
            ("$input", commit.Input),
            ("$output", commit.Output),
            ("$custom", commit.CustomStatus),
            ("$updated", SqliteRows.Ticks(commit.UpdatedTime)),
            ("$terminal", terminal),
            ("$hub", this.hub),
            ("$id", instanceId),
            ("$leasedExec", leasedExecution),
            ("$owner", workItem.Owner),
            ("$token", workItem.LeaseToken),
            ("$now", now));
        if (updated == 0)
        {
            throw LeaseLost(workItem);
        }

        this.AppendHistory(s, instanceId, commit.ExecutionId, replace: commit.ExecutionId != leasedExecution, serialized.History);

        // Scoped to this instance: a wrong sequence number in a commit cannot delete another instance's message.
        s.Execute(
            "DELETE FROM inbox WHERE hub = $hub AND instance_id = $id AND sequence IN (SELECT value FROM json_each($consumed))",
            ("$hub", this.hub),
            ("$id", instanceId),
            ("$consumed", serialized.Consumed));
        this.InsertTasks(s, commit.ActivityTasks, now);
        foreach (NewInstance child in commit.NewInstances)
        {
            this.Create(s, child, now);
        }

        foreach ((NewMessage message, string payload) in serialized.Messages)
        {
            // Messages to instances that do not exist are dropped (same statement, no extra round).
            s.Execute(
                "INSERT INTO inbox (hub, instance_id, execution_id, visible_time, payload) " +
                "SELECT $hub, $target, $exec, $visible, $payload WHERE EXISTS (SELECT 1 FROM instances WHERE hub = $hub AND instance_id = $target)",
                ("$hub", this.hub),
                ("$target", message.InstanceId),
                ("$exec", message.ExecutionId),
                ("$visible", message.VisibleTime is { } visible ? SqliteRows.Ticks(visible) : now),
                ("$payload", payload));
        }

        if (terminal)
        {
            // Timers and late results for the finished execution can never be used: don't leave them behind.
            s.Execute(
                "DELETE FROM inbox WHERE hub = $hub AND instance_id = $id AND execution_id = $leasedExec",
                ("$hub", this.hub),
                ("$id", instanceId),
                ("$leasedExec", leasedExecution));
        }
    }

    /// <inheritdoc/>
    public Task AbandonOrchestrationAsync(OrchestrationWorkItem workItem, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        return this.Db.LeaseWriteAsync(
            s =>
            {
                // The instance, not its messages, waits out the delay: rewriting visible times would reorder
                // them against events that arrive meanwhile. An expired lease nobody took is still this lease's
                // to hand back; a lease taken since (by anyone, this owner too) is not touched.
                return s.Execute(
                    "UPDATE instances SET locked_by = $abandoned, lock_expiration = $until " +
                    "WHERE hub = $hub AND instance_id = $id AND execution_id = $leasedExec AND locked_by = $owner AND lease_token = $token",
                    ("$abandoned", AbandonedOwner),
                    ("$until", SqliteRows.Ticks(this.time.GetUtcNow() + retryDelay)),
                    ("$hub", this.hub),
                    ("$id", workItem.Instance.InstanceId),
                    ("$leasedExec", workItem.Instance.ExecutionId),
                    ("$owner", workItem.Owner),
                    ("$token", workItem.LeaseToken));
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> ReleaseOrchestrationLeaseAsync(string instanceId, string owner, long leaseToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        int released = await this.Db.LeaseWriteAsync(
            s => s.Execute(
                "UPDATE instances SET locked_by = NULL, lock_expiration = NULL WHERE hub = $hub AND instance_id = $id AND locked_by = $owner AND lease_token = $token",
                ("$hub", this.hub),
                ("$id", instanceId),
                ("$owner", owner),
                ("$token", leaseToken)),
            cancellationToken).ConfigureAwait(false);
        return released > 0;
    }

    /// <inheritdoc/>
    public async Task<bool> RenewOrchestrationLeaseAsync(OrchestrationWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        DateTimeOffset expiration = default;
        bool renewed = await this.Db.LeaseWriteAsync(
            s =>
            {
                DateTimeOffset now = this.time.GetUtcNow();
                expiration = now + leaseDuration;
                return s.Execute(
                    $"UPDATE instances SET lock_expiration = $exp WHERE {LeaseHeld}",
                    ("$exp", SqliteRows.Ticks(expiration)),
                    ("$hub", this.hub),
                    ("$id", workItem.Instance.InstanceId),
                    ("$leasedExec", workItem.Instance.ExecutionId),
                    ("$owner", workItem.Owner),
                    ("$token", workItem.LeaseToken),
                    ("$now", SqliteRows.Ticks(now))) > 0;
            },
            cancellationToken).ConfigureAwait(false);

        // Only after the commit: a rolled-back attempt must not move the work item's view of its lease.
        if (renewed)
        {
            workItem.LeaseExpiration = expiration;
        }

        return renewed;
    }

    private static LeaseLostException LeaseLost(OrchestrationWorkItem workItem) =>
        new($"The lease on instance '{workItem.Instance.InstanceId}' (execution {workItem.Instance.ExecutionId}) is no longer held by '{workItem.Owner}': nothing was written.");

    /// <summary>The instance's history: the cached prefix plus the rows after it, parsed once each.</summary>
    private List<HistoryEvent> ReadHistoryCached(SqliteSession s, InstanceRecord instance)
    {
        (List<HistoryEvent> history, long last) = this.historyCache.Prefix(instance);
        foreach ((long sequence, HistoryEvent historyEvent) in s.Query(
            "SELECT sequence, payload FROM history WHERE hub = $hub AND instance_id = $id AND sequence > $after ORDER BY sequence",
            r => (r.GetInt64(0), SqliteRows.Deserialize(r.GetString(1))),
            ("$hub", this.hub),
            ("$id", instance.InstanceId),
            ("$after", last)))
        {
            history.Add(historyEvent);
            last = sequence;
        }

        this.historyCache.Keep(instance, history, last);
        return history;
    }

    private void AppendHistory(SqliteSession s, string instanceId, string executionId, bool replace, List<(int Type, string Payload)> events)
    {
        long next;
        if (replace)
        {
            // Continue-as-new: the new execution's history replaces the old one.
            s.Execute("DELETE FROM history WHERE hub = $hub AND instance_id = $id", ("$hub", this.hub), ("$id", instanceId));
            next = 0;
        }
        else
        {
            next = Convert.ToInt64(
                s.Scalar("SELECT COALESCE(MAX(sequence) + 1, 0) FROM history WHERE hub = $hub AND instance_id = $id", ("$hub", this.hub), ("$id", instanceId)),
                CultureInfo.InvariantCulture);
        }

        foreach ((int type, string payload) in events)
        {
            s.Execute(
                "INSERT INTO history (hub, instance_id, execution_id, sequence, event_type, payload) VALUES ($hub, $id, $exec, $seq, $type, $payload)",
                ("$hub", this.hub),
                ("$id", instanceId),
                ("$exec", executionId),
                ("$seq", next++),
                ("$type", type),
                ("$payload", payload));
        }
    }

    private void InsertTasks(SqliteSession s, IReadOnlyList<NewActivityTask> tasks, long now)
    {
        foreach (NewActivityTask task in tasks)
        {
            s.Execute(
                "INSERT INTO tasks (hub, instance_id, execution_id, name, task_id, input, visible_time, dequeue_count) VALUES ($hub, $id, $exec, $name, $task, $input, $visible, $attempts)",
                ("$hub", this.hub),
                ("$id", task.InstanceId),
                ("$exec", task.ExecutionId),
                ("$name", task.Name),
                ("$task", task.TaskId),
                ("$input", task.Input),
                ("$visible", task.VisibleTime is { } visible ? SqliteRows.Ticks(visible) : now),
                ("$attempts", task.EarlierAttempts));
        }
    }

    /// <summary>A lease taken in a write transaction, before its history is read.</summary>
    private sealed record Claimed(InstanceRecord Instance, List<OrchestrationMessage> Messages, long Token, long Expiration, bool More);

    /// <summary>A commit's rows as serialized before its transaction: the file's write lock is held only for SQL.</summary>
    private sealed record SerializedCommit(string Consumed, List<(int Type, string Payload)> History, List<(NewMessage Message, string Payload)> Messages)
    {
        public static SerializedCommit Of(OrchestrationCommit commit) => new(
            SqliteRows.JsonArray(commit.ConsumedMessages),
            [.. commit.NewHistory.Select(e => ((int)e.EventType, SqliteRows.Serialize(e)))],
            [.. commit.Messages.Select(m => (m, SqliteRows.Serialize(m.Event)))]);
    }
}
