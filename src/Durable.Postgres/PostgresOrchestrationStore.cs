using System.Globalization;
using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Postgres;

/// <summary>
/// The multi-host store: one PostgreSQL database shared by any number of hosts. Every state change is one
/// transaction; work items are claimed with <c>FOR UPDATE SKIP LOCKED</c> and carry a lease (owner and expiry)
/// that every commit re-checks in the same transaction, so a host whose lease expired cannot write. Writers
/// <c>NOTIFY</c> on commit so idle hosts wake at once (<see cref="IWorkArrivalNotifier"/>). Split by concern:
/// setup, instances and client messages here; orchestration work items, activity work items, and queries in the
/// partial files beside it.
/// </summary>
/// <remarks>
/// Failures that mean "the store cannot take the request now" (server unreachable past
/// <see cref="PostgresStoreOptions.RetryTimeout"/>, wrong credentials, missing database, disk full) surface as
/// <see cref="StoreUnavailableException"/>; the failed call's transaction was rolled back, so nothing of it was written.
/// </remarks>
public sealed partial class PostgresOrchestrationStore : IOrchestrationStore, IWorkArrivalNotifier
{
    private const string OrchestrationWork = "o";
    private const string ActivityWork = "a";

    private readonly PostgresStoreOptions options;
    private readonly TimeProvider time;
    private readonly string hub;
    private readonly string schema;
    private readonly string channel;
    private readonly object openGate = new();

    // Tells this store object's notifications from other hosts' (see Notice).
    private readonly string sender = LeaseTokens.New().ToString("x", CultureInfo.InvariantCulture);

    // Parsed history between episodes (see HistoryCache): a lease then reads only the rows written since.
    private readonly HistoryCache historyCache = new(HistoryCache.DefaultCapacity);
    private PostgresDatabase? database;
    private PostgresWorkNotifier? notifier;
    private PostgresEarlyAnalyze? earlyAnalyze;
    private PostgresWorkListener? listener;
    private bool disposed;

    // Set once the schema is known to be in place: the host opens the store to check it before it listens, and the
    // engine's start opens it again (it also runs without the host).
    private bool initialized;

    /// <summary>Creates the store; <see cref="InitializeAsync"/> connects and migrates.</summary>
    /// <param name="options">Connection string, task hub, schema and retry budget; validated here.</param>
    /// <param name="timeProvider">The clock for visibility and leases: SQL never reads the server's clock.</param>
    public PostgresOrchestrationStore(PostgresStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        this.options = options;
        this.time = timeProvider;
        this.hub = options.HubName;
        this.schema = options.SchemaName;
        this.channel = options.SchemaName + "_work";
    }

    private PostgresDatabase Db
    {
        get
        {
            ObjectDisposedException.ThrowIf(this.disposed, this);
            return this.database ?? throw new InvalidOperationException("Call InitializeAsync before using the store.");
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Connects, then creates the schema or brings it to <see cref="PostgresSchema.CurrentVersion"/> in one
    /// transaction holding an advisory lock, so hosts starting at once neither collide nor migrate twice.
    /// A database written by a newer build is refused. A second call on the same object after a successful one returns at
    /// once.
    /// </remarks>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        lock (this.openGate)
        {
            ObjectDisposedException.ThrowIf(this.disposed, this);
            if (this.initialized)
            {
                return;
            }

            this.database ??= PostgresDatabase.Open(this.options);
            this.notifier ??= new PostgresWorkNotifier(this.database, this.channel, this.Notice);
        }

        double instanceRows = await this.Db.WriteAtStartupAsync(
            async s =>
            {
                await s.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtext(@key))", cancellationToken, ("key", "durable-schema:" + this.schema)).ConfigureAwait(false);
                await s.ExecuteScriptAsync(
                    this.Sql("CREATE SCHEMA IF NOT EXISTS $s; CREATE TABLE IF NOT EXISTS $s.schema_version (version integer NOT NULL, applied_time bigint NOT NULL)"),
                    cancellationToken).ConfigureAwait(false);
                int version = Convert.ToInt32(
                    await s.ScalarAsync(this.Sql("SELECT COALESCE(MAX(version), 0) FROM $s.schema_version"), cancellationToken).ConfigureAwait(false),
                    CultureInfo.InvariantCulture);
                if (version > PostgresSchema.CurrentVersion)
                {
                    throw new InvalidOperationException(
                        $"The PostgreSQL schema '{this.schema}' at {this.Db.Server} has version {version}, but this build knows versions up to " +
                        $"{PostgresSchema.CurrentVersion}. It was written by a newer build: upgrade this host, or use another schema or database.");
                }

                for (int next = version + 1; next <= PostgresSchema.CurrentVersion; next++)
                {
                    await s.ExecuteScriptAsync(string.Format(CultureInfo.InvariantCulture, PostgresSchema.Migrations[next - 1], this.schema), cancellationToken).ConfigureAwait(false);
                    await s.ExecuteAsync(
                        this.Sql("INSERT INTO $s.schema_version (version, applied_time) VALUES (@v, @t)"),
                        cancellationToken,
                        ("v", next),
                        ("t", PostgresRows.Ticks(this.time.GetUtcNow()))).ConfigureAwait(false);
                }

                // -1 (PostgreSQL 14 and later) or 0 while the table was never analyzed.
                return Convert.ToDouble(
                    await s.ScalarAsync("SELECT reltuples FROM pg_class WHERE oid = to_regclass(@t)", cancellationToken, ("t", this.schema + ".instances")).ConfigureAwait(false),
                    CultureInfo.InvariantCulture);
            },
            cancellationToken).ConfigureAwait(false);
        lock (this.openGate)
        {
            ObjectDisposedException.ThrowIf(this.disposed, this);
            // Not the history: every statement reads it by its primary key, whatever its statistics say, and it is the
            // largest table. An ANALYZE holds a snapshot while it samples, and no queue row deleted meanwhile can be
            // pruned, so claims walk the dead ones (this statement was seen holding one for 1.2 s, on a server with a
            // large history, in a run whose server CPU per flow doubled).
            if (PostgresEarlyAnalyze.Needed(instanceRows))
            {
                this.earlyAnalyze ??= new PostgresEarlyAnalyze(this.Db, this.Sql("ANALYZE $s.instances, $s.inbox, $s.tasks"));
            }

            this.initialized = true;
        }
    }

    /// <inheritdoc/>
    public async Task<CreateInstanceResult> CreateInstanceAsync(NewInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (await this.CreateCoreAsync(instance, lease: null, cancellationToken).ConfigureAwait(false) is null)
        {
            return CreateInstanceResult.AlreadyExists;
        }

        this.Notify(OrchestrationWork);
        return CreateInstanceResult.Created;
    }

    /// <inheritdoc/>
    public async Task<OrchestrationWorkItem?> CreateLeasedInstanceAsync(NewInstance instance, string owner, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        NewLease lease = new(owner, LeaseTokens.New(), PostgresRows.Ticks(this.time.GetUtcNow()) + leaseDuration.Ticks);

        // No NOTIFY: no other host can take the instance while its creator holds the lease.
        return await MayLeaseAsync(lease.Token, this.CreateCoreAsync(instance, lease, cancellationToken)).ConfigureAwait(false) is { } created
            ? new OrchestrationWorkItem(created.Instance, [], [created.Start], owner, lease.Token, PostgresRows.Time(lease.Expiration))
            : null;
    }

    /// <summary>
    /// Awaits a write that leases an instance to its caller with <paramref name="token"/> when it commits. An unknown
    /// outcome names that lease (<see cref="StoreUnavailableException.LeaseToken"/>): it may hold the instance although
    /// its owner never got the work item.
    /// </summary>
    private static async Task<T> MayLeaseAsync<T>(long token, Task<T> write)
    {
        try
        {
            return await write.ConfigureAwait(false);
        }
        catch (StoreUnavailableException e) when (e.OutcomeUnknown)
        {
            throw e.WithLeaseToken(token);
        }
    }

    /// <summary>Creates the instance, leased when <paramref name="lease"/> is given; null when the id is taken by a running one.</summary>
    private async Task<CreatedRows?> CreateCoreAsync(NewInstance instance, NewLease? lease, CancellationToken cancellationToken)
    {
        string payload = PostgresRows.Serialize(instance.StartEvent);

        // The common case, a new id: one statement, the row and its start message, one round trip in all.
        CreatedRows? created = await this.Db.WriteInOneRoundTripAsync(
            s => this.TryInsertAsync(s, instance, payload, lease, PostgresRows.Ticks(this.time.GetUtcNow()), cancellationToken),
            cancellationToken).ConfigureAwait(false);

        // The id is taken: by a running instance (refused) or a finished one (replaced).
        created ??= await this.Db.WriteAsync(
            s => this.CreateAsync(s, instance, payload, lease, PostgresRows.Ticks(this.time.GetUtcNow()), cancellationToken),
            cancellationToken).ConfigureAwait(false);
        if (created is not null)
        {
            this.earlyAnalyze?.InstanceCreated();
        }

        return created;
    }

    /// <inheritdoc/>
    public async Task<EnqueueResult> EnqueueMessageAsync(string instanceId, HistoryEvent message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        ArgumentNullException.ThrowIfNull(message);
        string payload = PostgresRows.Serialize(message);
        EnqueueResult result = await this.Db.WriteAsync(
            async s =>
            {
                // FOR SHARE waits for an episode committing this instance right now and re-reads its status, so a
                // message is never accepted for an instance that is at that moment becoming terminal.
                object? status = await s.ScalarAsync(
                    this.Sql("SELECT status FROM $s.instances WHERE hub = @hub AND instance_id = @id FOR SHARE"),
                    cancellationToken,
                    ("hub", this.hub),
                    ("id", instanceId)).ConfigureAwait(false);
                if (status is not int current)
                {
                    return EnqueueResult.NotFound;
                }

                if (!InboxRules.Accepts((OrchestrationStatus)current, message.EventType))
                {
                    return EnqueueResult.Gone;
                }

                await this.InsertMessageAsync(s, new NewMessage(instanceId, null, message), payload, PostgresRows.Ticks(this.time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                return EnqueueResult.Accepted;
            },
            cancellationToken).ConfigureAwait(false);
        if (result == EnqueueResult.Accepted)
        {
            this.Notify(OrchestrationWork);
        }

        return result;
    }

    /// <inheritdoc/>
    public Task<InstanceRecord?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken) =>
        this.Db.ReadAsync(s => this.ReadInstanceAsync(s, instanceId, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken) =>
        this.Db.ReadAsync<IReadOnlyList<HistoryEvent>>(async s => await this.ReadHistoryAsync(s, instanceId, cancellationToken).ConfigureAwait(false), cancellationToken);

    /// <inheritdoc/>
    public IDisposable SubscribeToWorkArrival(Action orchestrationWork, Action activityWork)
    {
        ArgumentNullException.ThrowIfNull(orchestrationWork);
        ArgumentNullException.ThrowIfNull(activityWork);
        PostgresWorkListener created;
        lock (this.openGate)
        {
            ObjectDisposedException.ThrowIf(this.disposed, this);
            this.listener ??= new PostgresWorkListener(this.Db, this.channel, this.sender, this.options.ListenKeepAlive);
            created = this.listener;
        }

        return created.Subscribe(this.hub, kind =>
        {
            if (kind == OrchestrationWork)
            {
                orchestrationWork();
            }
            else if (kind == ActivityWork)
            {
                activityWork();
            }
            else
            {
                // Unknown kind or a re-connect: something may have been missed, so both look.
                orchestrationWork();
                activityWork();
            }
        });
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        PostgresDatabase? db;
        PostgresWorkNotifier? notifying;
        PostgresEarlyAnalyze? analyzing;
        PostgresWorkListener? listening;
        lock (this.openGate)
        {
            db = this.database;
            notifying = this.notifier;
            analyzing = this.earlyAnalyze;
            this.earlyAnalyze = null;
            listening = this.listener;
            this.database = null;
            this.notifier = null;
            this.listener = null;
            this.disposed = true;
        }

        if (analyzing is not null)
        {
            await analyzing.DisposeAsync().ConfigureAwait(false);
        }

        if (notifying is not null)
        {
            await notifying.DisposeAsync().ConfigureAwait(false);
        }

        if (listening is not null)
        {
            await listening.DisposeAsync().ConfigureAwait(false);
        }

        if (db is not null)
        {
            await db.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The SQL text with <c>$s</c> replaced by the (validated) schema name.</summary>
    private string Sql(string text) => text.Replace("$s", this.schema, StringComparison.Ordinal);

    /// <summary>Wakes the other hosts for <paramref name="kind"/> of work; called after the write committed.</summary>
    private void Notify(string kind) => this.notifier?.Signal(kind);

    /// <summary>
    /// A notification's text, "kind:sender:hub". The sender lets this store's own listener skip what this store wrote:
    /// the engine wakes itself after its own writes, and an echo would only cost it an empty lease.
    /// </summary>
    private string Notice(string kind) => kind + ":" + this.sender + ":" + this.hub;

    private async Task<CreatedRows?> CreateAsync(PostgresSession s, NewInstance instance, string startPayload, NewLease? lease, long now, CancellationToken cancellationToken)
    {
        // FOR UPDATE: a concurrent create or episode on the same id waits here instead of interleaving.
        object? status = await s.ScalarAsync(
            this.Sql("SELECT status FROM $s.instances WHERE hub = @hub AND instance_id = @id FOR UPDATE"),
            cancellationToken,
            ("hub", this.hub),
            ("id", instance.InstanceId)).ConfigureAwait(false);
        if (status is int existing)
        {
            if (!((OrchestrationStatus)existing).IsTerminal())
            {
                return null;
            }

            await this.DeleteInstanceAsync(s, instance.InstanceId, cancellationToken).ConfigureAwait(false);
        }

        // Two creators that both found no row: the second one learns it lost.
        return await this.TryInsertAsync(s, instance, startPayload, lease, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Inserts the instance row and its start message in one statement, leased when <paramref name="lease"/> is given (the
    /// start message then counts as leased once); null when the id is taken (ON CONFLICT).
    /// </summary>
    private async Task<CreatedRows?> TryInsertAsync(PostgresSession s, NewInstance instance, string startPayload, NewLease? lease, long now, CancellationToken cancellationToken)
    {
        List<CreatedRows> inserted = await s.QueryAsync(
            this.Sql(
                "WITH created AS (INSERT INTO $s.instances (hub, instance_id, execution_id, name, status, input, created_time, last_updated_time, parent_instance_id, locked_by, lease_token, lock_expiration) " +
                "  VALUES (@hub, @id, @exec, @name, @status, @input, @created, @created, @parent, @owner, @token::bigint, @exp::bigint) ON CONFLICT DO NOTHING " +
                $"  RETURNING {PostgresRows.InstanceColumns}), " +
                "queued AS (INSERT INTO $s.inbox (hub, instance_id, execution_id, visible_time, dequeue_count, payload) SELECT @hub, instance_id, NULL, @now, @count, @payload FROM created " +
                $"  RETURNING {PostgresRows.MessageColumns}) " +
                "SELECT created.*, queued.* FROM created CROSS JOIN queued"),
            r => new CreatedRows(PostgresRows.ReadInstance(r), PostgresRows.ReadMessage(r, PostgresRows.InstanceColumnCount)),
            cancellationToken,
            ("hub", this.hub),
            ("id", instance.InstanceId),
            ("exec", instance.ExecutionId),
            ("name", instance.Name),
            ("status", (int)OrchestrationStatus.Pending),
            ("input", instance.Input),
            ("created", PostgresRows.Ticks(instance.CreatedTime)),
            ("parent", instance.ParentInstanceId),
            ("owner", lease?.Owner),
            ("token", lease?.Token),
            ("exp", lease?.Expiration),
            ("now", now),
            ("count", lease is null ? 0 : 1),
            ("payload", startPayload)).ConfigureAwait(false);
        return inserted.Count > 0 ? inserted[0] : null;
    }

        private async Task DeleteInstanceAsync(PostgresSession s, string instanceId, CancellationToken cancellationToken)
    {
        // Fixed table order in every multi-table change (history, inbox, tasks, instances).
        this.historyCache.Remove(instanceId);
        foreach (string table in new[] { "history", "inbox", "tasks", "instances" })
        {
            await s.ExecuteAsync(
                this.Sql($"DELETE FROM $s.{table} WHERE hub = @hub AND instance_id = @id"),
                cancellationToken,
                ("hub", this.hub),
                ("id", instanceId)).ConfigureAwait(false);
        }
    }

    private Task<int> InsertMessageAsync(PostgresSession s, NewMessage message, string payload, long now, CancellationToken cancellationToken) =>
        s.ExecuteAsync(
            this.Sql("INSERT INTO $s.inbox (hub, instance_id, execution_id, visible_time, payload) VALUES (@hub, @id, @exec, @visible, @payload)"),
            cancellationToken,
            ("hub", this.hub),
            ("id", message.InstanceId),
            ("exec", message.ExecutionId),
            ("visible", message.VisibleTime is { } visible ? PostgresRows.Ticks(visible) : now),
            ("payload", payload));

    private Task<InstanceRecord?> ReadInstanceAsync(PostgresSession s, string instanceId, CancellationToken cancellationToken) =>
        s.FirstAsync(
            this.Sql($"SELECT {PostgresRows.InstanceColumns} FROM $s.instances WHERE hub = @hub AND instance_id = @id"),
            PostgresRows.ReadInstance,
            cancellationToken,
            ("hub", this.hub),
            ("id", instanceId));

    /// <summary>The instance's whole history from its rows: the cached prefix plus the rows after it, each parsed once.</summary>
    private List<HistoryEvent> ParseHistory(InstanceRecord instance, List<(long Sequence, string Payload)> rows)
    {
        (List<HistoryEvent> history, long last) = this.historyCache.Prefix(instance);
        if (rows.Count > 0 && rows[^1].Sequence < last)
        {
            // Shorter than the cache (replaced meanwhile, which a live lease rules out): trust the rows.
            (history, last) = ([], -1);
        }

        foreach ((long sequence, string payload) in rows)
        {
            if (sequence > last)
            {
                history.Add(PostgresRows.Deserialize(payload));
                last = sequence;
            }
        }

        this.historyCache.Keep(instance, history, last);
        return history;
    }

    private Task<List<HistoryEvent>> ReadHistoryAsync(PostgresSession s, string instanceId, CancellationToken cancellationToken) =>
        s.QueryAsync(
            this.Sql("SELECT payload FROM $s.history WHERE hub = @hub AND instance_id = @id ORDER BY sequence"),
            r => PostgresRows.Deserialize(r.GetString(0)),
            cancellationToken,
            ("hub", this.hub),
            ("id", instanceId));

    /// <summary>A lease a new instance is created with.</summary>
    private sealed record NewLease(string Owner, long Token, long Expiration);

    /// <summary>A new instance's row and start message, as written.</summary>
    private sealed record CreatedRows(InstanceRecord Instance, OrchestrationMessage Start);
}
