using System.Globalization;
using Durable.Core;
using Durable.Core.Storage;
using Npgsql;

namespace Durable.Postgres;

/// <summary>Orchestration work items: claim (SKIP LOCKED), commit (fenced by the lease), abandon, renew.</summary>
public sealed partial class PostgresOrchestrationStore
{
    private const string AbandonedOwner = "(abandoned)";

    // The lease is on (instance, execution, owner, token) and must still be live by the store's clock: a later lease of
    // the same owner, or the lease of an instance replaced by a new start while a work item for its old execution was
    // in flight, is a different lease.
    // The end of every orchestration claim, after its `leased` CTE (the instance row it took): the instance's visible
    // messages, each counted as leased once more, one row each with the instance's columns.
    private const string TakeLeasedMessages =
        "taken AS (" +
        "  UPDATE $s.inbox SET dequeue_count = dequeue_count + 1 WHERE sequence IN (" +
        "    SELECT sequence FROM $s.inbox WHERE hub = @hub AND instance_id = (SELECT instance_id FROM leased) AND visible_time <= @now" +
        "    ORDER BY visible_time, sequence LIMIT @max) " +
        $"  RETURNING {PostgresRows.MessageColumns}) " +
        "SELECT leased.*, taken.* FROM leased LEFT JOIN taken ON true";

    private const string LeaseHeld = "hub = @hub AND instance_id = @id AND execution_id = @leasedExec AND locked_by = @owner AND lease_token = @token AND lock_expiration > @now";

    // The reader of a statement whose rows say nothing: its failure, not its result, is what counts.
    private static readonly Action<NpgsqlDataReader> IgnoreRows = _ => { };

    /// <inheritdoc/>
    /// <remarks>
    /// Walks the inbox in visibility order and claims the instance of the first message whose instance is free,
    /// skipping messages and instance rows another claim or commit holds right now (<c>SKIP LOCKED</c> on both), so
    /// hosts never queue behind each other and never claim the same instance. The instance check is a correlated
    /// subquery kept apart from the scan (<c>OFFSET 0</c>): a primary key lookup per message whatever the statistics
    /// say, where a join may be planned (and kept, in a prepared statement's generic plan made while the tables were
    /// nearly empty) as a scan of every instance per message. The pick is an uncorrelated scalar subquery, run once:
    /// joined as a derived table it may be re-scanned per candidate row, claiming every instance at once. The message
    /// row is locked too, so a message another host's episode consumed meanwhile is noticed; a claim that comes back
    /// without messages all the same is released. It does not say whether more is leasable
    /// (<see cref="OrchestrationWorkItem.MoreWorkVisible"/> stays true): saying "no" means looking at every visible
    /// message, those of the instances running included, and each way of doing so in the claim measured a slower claim
    /// at concurrency 50 (docs/performance.md).
    /// </remarks>
    public async Task<OrchestrationWorkItem?> LeaseOrchestrationAsync(string owner, TimeSpan leaseDuration, int maxMessages, IReadOnlySet<string> skipInstanceIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentNullException.ThrowIfNull(skipInstanceIds);
        return await this.LeaseOrchestrationCoreAsync(owner, leaseDuration, maxMessages, [.. skipInstanceIds], cancellationToken).ConfigureAwait(false);
    }

    private static LeaseLostException LeaseLost(OrchestrationWorkItem workItem) =>
        new($"The lease on instance '{workItem.Instance.InstanceId}' (execution {workItem.Instance.ExecutionId}) is no longer held by '{workItem.Owner}': nothing was written.");

    private async Task<OrchestrationWorkItem?> LeaseOrchestrationCoreAsync(string owner, TimeSpan leaseDuration, int maxMessages, string[] skip, CancellationToken cancellationToken)
    {
        long now = PostgresRows.Ticks(this.time.GetUtcNow());
        long expiration = now + leaseDuration.Ticks;
        long token = LeaseTokens.New();

        // One round trip: the claim with its messages (one row each, the instance's columns repeated), then the leased
        // instance's history, found by this very lease (the partial lease index serves lock_expiration = @exp).
        (List<(InstanceRecord Instance, OrchestrationMessage? Message)> rows, List<(long Sequence, string Payload)> historyRows) = await this.Db.ClaimAsync(
            s => s.QueryBothAsync(
                new PostgresStatement(
                    this.Sql(
                        "WITH leased AS (" +
                        "  UPDATE $s.instances SET locked_by = @owner, lease_token = @token, lock_expiration = @exp " +
                        "  WHERE hub = @hub AND (locked_by IS NULL OR lock_expiration <= @now) AND instance_id = (" +
                        "    SELECT m.instance_id FROM $s.inbox m" +
                        "    WHERE m.hub = @hub AND m.visible_time <= @now AND NOT (m.instance_id = ANY(@skip))" +
                        "    AND EXISTS (SELECT 1 FROM $s.instances c WHERE c.hub = @hub AND c.instance_id = m.instance_id" +
                        "      AND (c.locked_by IS NULL OR c.lock_expiration <= @now) OFFSET 0 FOR UPDATE SKIP LOCKED)" +
                        "    ORDER BY m.visible_time, m.sequence LIMIT 1 FOR UPDATE OF m SKIP LOCKED) " +
                        $"  RETURNING {PostgresRows.InstanceColumns}), " +
                        TakeLeasedMessages),
                    ("owner", owner),
                    ("token", token),
                    ("exp", expiration),
                    ("hub", this.hub),
                    ("now", now),
                    ("skip", skip),
                    ("max", maxMessages)),
                PostgresRows.ReadInstanceAndMessage,
                new PostgresStatement(
                    this.Sql(
                        "SELECT sequence, payload FROM $s.history WHERE hub = @hub AND instance_id = (" +
                        "  SELECT instance_id FROM $s.instances WHERE hub = @hub AND lock_expiration = @exp AND locked_by = @owner AND lease_token = @token) " +
                        "ORDER BY sequence"),
                    ("hub", this.hub),
                    ("exp", expiration),
                    ("owner", owner),
                    ("token", token)),
                r => (r.GetInt64(0), r.GetString(1)),
                cancellationToken),
            cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return null;
        }

        InstanceRecord instance = rows[0].Instance;
        List<OrchestrationMessage> messages = PostgresRows.MessagesInOrder(rows);
        if (messages.Count == 0)
        {
            // Belt and braces: an instance is leased only with work (the claim locked a visible message of it).
            await this.Db.WriteInOneRoundTripAsync(
                s => s.ExecuteAsync(
                    this.Sql("UPDATE $s.instances SET locked_by = NULL, lock_expiration = NULL WHERE hub = @hub AND instance_id = @id AND locked_by = @owner AND lease_token = @token"),
                    cancellationToken,
                    ("hub", this.hub),
                    ("id", instance.InstanceId),
                    ("owner", owner),
                    ("token", token)),
                cancellationToken).ConfigureAwait(false);
            return null;
        }

        List<Durable.Core.History.HistoryEvent> history = this.ParseHistory(instance, historyRows);
        return new OrchestrationWorkItem(instance, history, messages, owner, token, PostgresRows.Time(expiration));
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The episode is one statement (<see cref="EpisodeStatement"/>): the fenced instance update, and hanging off its
    /// returned row the history appended, the messages consumed, the activity tasks and messages sent, and for a
    /// finished execution its leftover messages. The fence takes the row lock, so a host claiming the expired lease at
    /// this moment either waits and then sees it released, or has already taken it and this commit writes nothing:
    /// <c>require_lease</c> raises, which rolls the whole transaction back. Only a continue-as-new (its old history
    /// deleted first) and new sub-orchestrations (created first, with round trips of their own, so in an explicit
    /// transaction) add statements before it.
    /// </remarks>
    public Task CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken) =>
        this.CommitAsync(workItem, commit, leaseAgain: null, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// The episode's statement, then <see cref="LeaseInstance"/> in the same batch: a statement of its own, so it sees the
    /// messages the episode consumed gone and those it sent; the instance row is already locked by the fence. No history is
    /// read: the work item's is the one just written (<see cref="OrchestrationWorkItem.HistoryAfter"/>).
    /// </remarks>
    public Task<OrchestrationWorkItem?> CompleteOrchestrationAndLeaseAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, TimeSpan leaseDuration, int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        return this.CommitAsync(workItem, commit, (leaseDuration, maxMessages), cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One round trip, one transaction: the instance row locked first, in a statement of its own, so that the next ones
    /// (each with a snapshot of its own) see whatever committed on the instance before the lock was granted; then the
    /// lease, taken only if the instance is as the caller saw it and fenced like a commit (<c>require_lease</c>, which
    /// dooms the transaction when it took nothing); then the episode's statement.
    /// </remarks>
    public async Task<bool> CommitIfUnchangedAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(commit);
        try
        {
            await this.CommitAsync(workItem, commit, leaseAgain: null, cancellationToken, leaseFirst: now => [this.LockForEvent(workItem.Instance.InstanceId), this.LeaseIfUnchanged(workItem, now)]).ConfigureAwait(false);
            return true;
        }
        catch (LeaseLostException)
        {
            return false;
        }
    }

    /// <summary>
    /// The commit of <see cref="CompleteOrchestrationAsync"/>, followed when <paramref name="leaseAgain"/> is given by the
    /// lease of <see cref="CompleteOrchestrationAndLeaseAsync"/>, and preceded when <paramref name="leaseFirst"/> is given
    /// by the statements (made for the transaction's time) that take the work item's lease (<see cref="CommitIfUnchangedAsync"/>).
    /// </summary>
    private async Task<OrchestrationWorkItem?> CommitAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, (TimeSpan Duration, int MaxMessages)? leaseAgain, CancellationToken cancellationToken, Func<long, PostgresStatement[]>? leaseFirst = null)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(commit);
        string instanceId = workItem.Instance.InstanceId;
        string leasedExecution = workItem.Instance.ExecutionId;

        // Serialization happens here, outside the transaction: row locks are held only for SQL.
        int[] historyTypes = [.. commit.NewHistory.Select(e => (int)e.EventType)];
        string[] historyPayloads = [.. commit.NewHistory.Select(PostgresRows.Serialize)];
        string[] messagePayloads = [.. commit.Messages.Select(m => PostgresRows.Serialize(m.Event))];
        string[] childPayloads = [.. commit.NewInstances.Select(c => PostgresRows.Serialize(c.StartEvent))];
        long token = LeaseTokens.New();

        Func<PostgresSession, Task<(List<(InstanceRecord Instance, OrchestrationMessage? Message)> Rows, long Expiration)>> write =
            async s =>
            {
                long now = PostgresRows.Ticks(this.time.GetUtcNow());
                List<PostgresStatement> batch = [.. leaseFirst?.Invoke(now) ?? []];
                if (batch.Count > 0 && commit.NewInstances.Count > 0)
                {
                    // The lease before the children's own round trips.
                    await RunFencedAsync(s, batch, workItem, cancellationToken).ConfigureAwait(false);
                    batch.Clear();
                }

                if (commit.ExecutionId != leasedExecution)
                {
                    // Continue-as-new: the new execution's history replaces the old one. Before the fence, in the same
                    // transaction, so a lost lease rolls this back with the rest. It returns a row, as every statement of
                    // the batch does: a reader skips the results of statements that return none, which would shift the rest.
                    batch.Add(new(this.Sql("WITH gone AS (DELETE FROM $s.history WHERE hub = @hub AND instance_id = @id RETURNING 1) SELECT count(*) FROM gone"), ("hub", this.hub), ("id", instanceId)));
                }

                // Children first: the episode's messages may be addressed to them. Before the fence too, so a lost lease rolls
                // them back with the rest (this runs in an explicit transaction).
                for (int i = 0; i < commit.NewInstances.Count; i++)
                {
                    await this.CreateAsync(s, commit.NewInstances[i], childPayloads[i], lease: null, now, cancellationToken).ConfigureAwait(false);
                }

                batch.Add(this.EpisodeStatement(workItem, commit, historyTypes, historyPayloads, messagePayloads, now));
                List<(InstanceRecord Instance, OrchestrationMessage? Message)> leased = [];
                long expiration = now + (leaseAgain?.Duration.Ticks ?? 0);
                List<(PostgresStatement Statement, Action<NpgsqlDataReader> ReadRow)> queries = [.. batch.Select(b => (b, IgnoreRows))];
                if (leaseAgain is { } again)
                {
                    queries.Add((this.LeaseInstance(instanceId, workItem.Owner, token, expiration, now, again.MaxMessages), r => leased.Add(PostgresRows.ReadInstanceAndMessage(r))));
                }

                await RunFencedAsync(s, queries, workItem, cancellationToken).ConfigureAwait(false);
                return (leased, expiration);
            };

        // Almost every episode is one batch, and then its own transaction; new sub-orchestrations take round trips of
        // their own (CreateAsync), so those episodes run in an explicit transaction.
        Task<(List<(InstanceRecord Instance, OrchestrationMessage? Message)> Rows, long Expiration)> committing =
            commit.NewInstances.Count == 0 ? this.Db.WriteInOneRoundTripAsync(write, cancellationToken) : this.Db.WriteAsync(write, cancellationToken);
        (List<(InstanceRecord Instance, OrchestrationMessage? Message)> rows, long leaseExpiration) =
            await (leaseAgain is null ? committing : MayLeaseAsync(token, committing)).ConfigureAwait(false);
        if (commit.ActivityTasks.Count > 0)
        {
            this.Notify(ActivityWork);
        }

        if (commit.NewInstances.Count > 0 || commit.Messages.Any(this.DueWithinAPoll))
        {
            this.Notify(OrchestrationWork);
        }

        return rows.Count == 0
            ? null
            : new OrchestrationWorkItem(rows[0].Instance, workItem.HistoryAfter(commit), PostgresRows.MessagesInOrder(rows), workItem.Owner, token, PostgresRows.Time(leaseExpiration));
    }

    /// <summary>Runs a commit's statements; a fence that held nothing (<c>require_lease</c>) throws <see cref="LeaseLostException"/>.</summary>
    private static async Task RunFencedAsync(PostgresSession s, IReadOnlyList<(PostgresStatement Statement, Action<NpgsqlDataReader> ReadRow)> queries, OrchestrationWorkItem workItem, CancellationToken cancellationToken)
    {
        try
        {
            await s.QueryEachAsync(queries, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (PostgresErrors.IsLeaseLost(e))
        {
            // The transaction is doomed and is rolled back: nothing of this episode is written.
            throw LeaseLost(workItem);
        }
    }

    private static Task RunFencedAsync(PostgresSession s, List<PostgresStatement> statements, OrchestrationWorkItem workItem, CancellationToken cancellationToken) =>
        RunFencedAsync(s, [.. statements.Select(b => (b, IgnoreRows))], workItem, cancellationToken);

    /// <summary>
    /// The lease of <see cref="CommitIfUnchangedAsync"/>: taken only while the instance is free and as the work item shows
    /// it (execution, status, history length; history is numbered from 0 within an execution), with no visible message.
    /// </summary>
    private PostgresStatement LeaseIfUnchanged(OrchestrationWorkItem workItem, long now) =>
        new(
            this.Sql(
                "WITH leased AS (UPDATE $s.instances SET locked_by = @owner, lease_token = @token, lock_expiration = @exp " +
                "  WHERE hub = @hub AND instance_id = @id AND execution_id = @exec AND status = @status AND (locked_by IS NULL OR lock_expiration <= @now) " +
                "  AND (SELECT COALESCE(MAX(sequence) + 1, 0) FROM $s.history WHERE hub = @hub AND instance_id = @id) = @count " +
                "  AND NOT EXISTS (SELECT 1 FROM $s.inbox WHERE hub = @hub AND instance_id = @id AND visible_time <= @now) RETURNING 1) " +
                "SELECT $s.require_lease(count(*)) FROM leased"),
            ("owner", workItem.Owner),
            ("token", workItem.LeaseToken),
            ("exp", PostgresRows.Ticks(workItem.LeaseExpiration)),
            ("hub", this.hub),
            ("id", workItem.Instance.InstanceId),
            ("exec", workItem.Instance.ExecutionId),
            ("status", (int)workItem.Instance.Status),
            ("now", now),
            ("count", (long)workItem.History.Count));

    /// <summary>
    /// Whether other hosts must hear of <paramref name="message"/> now. An idle host asks for its next due time at least
    /// every polling interval (<see cref="DurableEngineOptions.DefaultMaxPollingIntervalWithNotifications"/> with
    /// notifications), so it sees a message due later than that in time without being woken; waking every host for the
    /// 90-second timer each verification sets would only cost each an empty lease. (The host that set it fires it
    /// itself unless it dies first.)
    /// </summary>
    private bool DueWithinAPoll(NewMessage message) =>
        message.VisibleTime is not { } visible || visible - this.time.GetUtcNow() <= DurableEngineOptions.DefaultMaxPollingIntervalWithNotifications;

    /// <inheritdoc/>
    public async Task AbandonOrchestrationAsync(OrchestrationWorkItem workItem, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        // The instance, not its messages, waits out the delay: rewriting visible times would reorder them against
        // events that arrive meanwhile. An expired lease nobody took is still this lease's to hand back; a lease taken
        // since (by anyone, this owner too) is not touched.
        int released = await this.Db.WriteInOneRoundTripAsync(
            s => s.ExecuteAsync(
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
                ("token", workItem.LeaseToken)),
            cancellationToken).ConfigureAwait(false);
        if (released > 0)
        {
            // Other hosts re-read their next wake-up time, which now includes the retry time.
            this.Notify(OrchestrationWork);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> ReleaseOrchestrationLeaseAsync(string instanceId, string owner, long leaseToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        bool released = await this.Db.WriteInOneRoundTripAsync(
            async s => await s.ExecuteAsync(
                this.Sql("UPDATE $s.instances SET locked_by = NULL, lock_expiration = NULL WHERE hub = @hub AND instance_id = @id AND locked_by = @owner AND lease_token = @token"),
                cancellationToken,
                ("hub", this.hub),
                ("id", instanceId),
                ("owner", owner),
                ("token", leaseToken)).ConfigureAwait(false) > 0,
            cancellationToken).ConfigureAwait(false);

        // Its work waited for a lease nobody knew of: any host may take it now.
        if (released)
        {
            this.Notify(OrchestrationWork);
        }

        return released;
    }

    /// <inheritdoc/>
    public async Task<bool> RenewOrchestrationLeaseAsync(OrchestrationWorkItem workItem, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        DateTimeOffset now = this.time.GetUtcNow();
        DateTimeOffset expiration = now + leaseDuration;
        bool renewed = await this.Db.WriteInOneRoundTripAsync(
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

    /// <summary>
    /// An episode's whole commit as one statement. Every change hangs off the fence's returned row (<c>FROM fenced</c>
    /// or <c>EXISTS</c> over it), so none is made unless the fence matched, and none before it: data-modifying CTEs
    /// share one snapshot and run in no promised order, except that a CTE reading another's rows runs after it. One
    /// statement rather than a batch of five saves the server a parse, bind and executor start per part. History is
    /// numbered after the last row, safe without a lock of its own as only the lease holder appends; a continue-as-new's
    /// delete, run before in the same transaction, is seen. Consumed messages are deleted within this instance, so a
    /// wrong sequence number cannot delete another instance's message. Messages to instances that do not exist are
    /// dropped. A finished execution's timers and late results can never be used, so they go too, and so does what
    /// the episode itself sent to that execution (the delete cannot see rows this statement inserts).
    /// </summary>
    private PostgresStatement EpisodeStatement(OrchestrationWorkItem workItem, OrchestrationCommit commit, int[] historyTypes, string[] historyPayloads, string[] messagePayloads, long now)
    {
        bool terminal = commit.Status.IsTerminal();
        IReadOnlyList<NewActivityTask> tasks = commit.ActivityTasks;
        IReadOnlyList<NewMessage> messages = commit.Messages;
        return new(
            this.Sql(
                "WITH fenced AS (UPDATE $s.instances SET execution_id = @exec, status = @status, input = @input, output = @output, custom_status = @custom, " +
                "  last_updated_time = @updated, completed_time = CASE WHEN @terminal THEN COALESCE(completed_time, @updated) ELSE NULL END, " +
                $"  locked_by = NULL, lock_expiration = NULL WHERE {LeaseHeld} RETURNING 1), " +
                "appended AS (INSERT INTO $s.history (hub, instance_id, execution_id, sequence, event_type, payload) " +
                "  SELECT @hub, @id, @exec, b.first + x.ord - 1, x.t, x.p FROM fenced, unnest(@types, @payloads) WITH ORDINALITY AS x(t, p, ord), " +
                "  (SELECT COALESCE(MAX(sequence) + 1, 0) AS first FROM $s.history WHERE hub = @hub AND instance_id = @id) b), " +
                "consumed AS (DELETE FROM $s.inbox WHERE hub = @hub AND instance_id = @id AND sequence = ANY(@consumed) AND EXISTS (SELECT 1 FROM fenced)), " +
                "scheduled AS (INSERT INTO $s.tasks (hub, instance_id, execution_id, name, task_id, input, visible_time, dequeue_count) " +
                "  SELECT @hub, x.id, x.exec, x.name, x.task, x.input, x.visible, x.attempts " +
                "  FROM fenced, unnest(@taskInstances, @taskExecs, @taskNames, @taskIds, @taskInputs, @taskVisibles, @taskAttempts) WITH ORDINALITY AS x(id, exec, name, task, input, visible, attempts, ord) ORDER BY x.ord), " +
                "sent AS (INSERT INTO $s.inbox (hub, instance_id, execution_id, visible_time, payload) " +
                "  SELECT @hub, x.target, x.exec, x.visible, x.payload " +
                "  FROM fenced, unnest(@targets, @targetExecs, @visibles, @messages) WITH ORDINALITY AS x(target, exec, visible, payload, ord) " +
                "  WHERE EXISTS (SELECT 1 FROM $s.instances i WHERE i.hub = @hub AND i.instance_id = x.target) " +
                "  AND NOT (@terminal AND x.target = @id AND x.exec IS NOT DISTINCT FROM @leasedExec) ORDER BY x.ord), " +
                "finished AS (DELETE FROM $s.inbox WHERE hub = @hub AND instance_id = @id AND execution_id = @leasedExec AND @terminal AND EXISTS (SELECT 1 FROM fenced)) " +
                "SELECT $s.require_lease(count(*)) FROM fenced"),
            ("exec", commit.ExecutionId),
            ("status", (int)commit.Status),
            ("input", commit.Input),
            ("output", commit.Output),
            ("custom", commit.CustomStatus),
            ("updated", PostgresRows.Ticks(commit.UpdatedTime)),
            ("terminal", terminal),
            ("hub", this.hub),
            ("id", workItem.Instance.InstanceId),
            ("leasedExec", workItem.Instance.ExecutionId),
            ("owner", workItem.Owner),
            ("token", workItem.LeaseToken),
            ("now", now),
            ("types", historyTypes),
            ("payloads", historyPayloads),
            ("consumed", commit.ConsumedMessages.ToArray()),
            ("taskInstances", tasks.Select(t => t.InstanceId).ToArray()),
            ("taskExecs", tasks.Select(t => t.ExecutionId).ToArray()),
            ("taskNames", tasks.Select(t => t.Name).ToArray()),
            ("taskIds", tasks.Select(t => t.TaskId).ToArray()),
            ("taskInputs", tasks.Select(t => t.Input).ToArray()),
            ("taskVisibles", tasks.Select(t => t.VisibleTime is { } visible ? PostgresRows.Ticks(visible) : now).ToArray()),
            ("taskAttempts", tasks.Select(t => t.EarlierAttempts).ToArray()),
            ("targets", messages.Select(m => m.InstanceId).ToArray()),
            ("targetExecs", messages.Select(m => m.ExecutionId).ToArray()),
            ("visibles", messages.Select(m => m.VisibleTime is { } visible ? PostgresRows.Ticks(visible) : now).ToArray()),
            ("messages", messagePayloads));
    }
}
