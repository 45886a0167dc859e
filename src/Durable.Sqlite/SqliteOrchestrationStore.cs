using System.Globalization;
using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, every state change one <c>BEGIN IMMEDIATE</c> transaction,
/// every commit fenced by the lease owner. Several processes on one machine may open the same file: leases are
/// decided inside the file's write lock, so each work item has one owner at a time. Split by concern: setup,
/// instances and client messages here; orchestration work items, activity work items, and queries in the
/// partial files beside it.
/// </summary>
/// <remarks>
/// Failures that mean "the store cannot take the request now" (locked past <see cref="SqliteStoreOptions.BusyTimeout"/>,
/// disk full, read-only, I/O error) surface as <see cref="StoreUnavailableException"/>; the failed call's
/// transaction is rolled back, so nothing of it was written. A failed sync of the write-ahead log to disk is different: the
/// commits it covered are visible but may never reach the disk, so the store stops for good (fail-stop): every call then
/// fails with <see cref="StoreFailedException"/> (outcome unknown) and <see cref="Failed"/> fires, so the host can exit
/// and be restarted on a fresh file handle.
/// </remarks>
public sealed partial class SqliteOrchestrationStore : IOrchestrationStore, IStoreFailureNotifier
{
    private const string SelectStatus = "SELECT status FROM instances WHERE hub = $hub AND instance_id = $id";

    private readonly SqliteStoreOptions options;
    private readonly TimeProvider time;
    private readonly string hub;
    private readonly object openGate = new();
    private readonly TaskCompletionSource<StoreFailedException> failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Parsed history between episodes (see HistoryCache): a lease then reads only the rows written since.
    private readonly HistoryCache historyCache = new(HistoryCache.DefaultCapacity);
    private SqliteDatabase? database;
    private bool disposed;

    // Set once the schema is known to be in place: the host opens the store to check it before it listens, and the
    // engine's start opens it again (it also runs without the host).
    private bool initialized;

    /// <summary>Creates the store; <see cref="InitializeAsync"/> opens the file.</summary>
    /// <param name="options">File, task hub, durability and busy budget; validated here.</param>
    /// <param name="timeProvider">The clock for visibility and leases.</param>
    public SqliteOrchestrationStore(SqliteStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        this.options = options;
        this.time = timeProvider;
        this.hub = options.HubName;
    }

    /// <inheritdoc/>
    /// <remarks>Fires when a sync of the write-ahead log to disk fails (see the class remarks).</remarks>
    public Task<StoreFailedException> Failed => this.failed.Task;

    private SqliteDatabase Db
    {
        get
        {
            ObjectDisposedException.ThrowIf(this.disposed, this);
            return this.database ?? throw new InvalidOperationException("Call InitializeAsync before using the store.");
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Opens the file (creating it and its folder), switches it to WAL, and brings the schema to
    /// <see cref="SqliteSchema.CurrentVersion"/> in one transaction. A file written by a newer build is refused. A second
    /// call on the same object after a successful one returns at once.
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

            this.database ??= SqliteDatabase.Open(this.options, e => this.failed.TrySetResult(e));
        }

        await this.Db.WriteAsync(
            s =>
            {
                s.ExecuteScript("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_time INTEGER NOT NULL)");
                int version = Convert.ToInt32(s.Scalar("SELECT COALESCE(MAX(version), 0) FROM schema_version") ?? 0L, CultureInfo.InvariantCulture);
                if (version > SqliteSchema.CurrentVersion)
                {
                    throw new InvalidOperationException(
                        $"The database '{this.Db.Path}' has schema version {version}, but this build knows versions up to {SqliteSchema.CurrentVersion}. " +
                        "It was written by a newer build: upgrade this host, or point it at another file.");
                }

                for (int next = version + 1; next <= SqliteSchema.CurrentVersion; next++)
                {
                    s.ExecuteScript(SqliteSchema.Migrations[next - 1]);
                    s.Execute("INSERT INTO schema_version (version, applied_time) VALUES ($v, $t)", ("$v", next), ("$t", SqliteRows.Ticks(this.time.GetUtcNow())));
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
        lock (this.openGate)
        {
            this.initialized = true;
        }
    }

    /// <inheritdoc/>
    public Task<CreateInstanceResult> CreateInstanceAsync(NewInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return this.Db.WriteAsync(s => this.Create(s, instance, SqliteRows.Ticks(this.time.GetUtcNow())), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<OrchestrationWorkItem?> CreateLeasedInstanceAsync(NewInstance instance, string owner, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return this.Db.WriteAsync<OrchestrationWorkItem?>(
            s =>
            {
                long now = SqliteRows.Ticks(this.time.GetUtcNow());
                if (this.Create(s, instance, now) == CreateInstanceResult.AlreadyExists)
                {
                    return null;
                }

                // A new instance: free, with its start message visible, and no history to read.
                Claimed claimed = this.ClaimInstance(s, instance.InstanceId, owner, leaseDuration, now, maxMessages: 1)!;
                return new OrchestrationWorkItem(claimed.Instance, [], claimed.Messages, owner, claimed.Token, SqliteRows.Time(claimed.Expiration));
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<EnqueueResult> EnqueueMessageAsync(string instanceId, HistoryEvent message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        ArgumentNullException.ThrowIfNull(message);
        string payload = SqliteRows.Serialize(message);
        return this.Db.WriteAsync(
            s =>
            {
                // Check and insert in one statement; only a refusal needs a second look to say why.
                int inserted = s.Execute(
                    "INSERT INTO inbox (hub, instance_id, execution_id, visible_time, payload) " +
                    "SELECT hub, instance_id, NULL, $visible, $payload FROM instances " +
                    $"WHERE hub = $hub AND instance_id = $id AND (status NOT IN ({SqliteRows.TerminalStatusList}) OR (status = {(int)OrchestrationStatus.Failed} AND $rewind))",
                    ("$visible", SqliteRows.Ticks(this.time.GetUtcNow())),
                    ("$payload", payload),
                    ("$rewind", InboxRules.Accepts(OrchestrationStatus.Failed, message.EventType) ? 1 : 0),
                    ("$hub", this.hub),
                    ("$id", instanceId));
                return inserted > 0 ? EnqueueResult.Accepted
                    : s.Scalar(SelectStatus, ("$hub", this.hub), ("$id", instanceId)) is null ? EnqueueResult.NotFound
                    : EnqueueResult.Gone;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<InstanceRecord?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken) =>
        this.Db.ReadAsync(s => this.ReadInstance(s, instanceId), cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken) =>
        this.Db.ReadAsync<IReadOnlyList<HistoryEvent>>(s => this.ReadHistory(s, instanceId), cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        SqliteDatabase? db;
        lock (this.openGate)
        {
            db = this.database;
            this.database = null;
            this.disposed = true;
        }

        if (db is not null)
        {
            await db.DisposeAsync().ConfigureAwait(false);
        }
    }

    private CreateInstanceResult Create(SqliteSession s, NewInstance instance, long now)
    {
        if (s.Scalar(SelectStatus, ("$hub", this.hub), ("$id", instance.InstanceId)) is long status)
        {
            if (!((OrchestrationStatus)status).IsTerminal())
            {
                return CreateInstanceResult.AlreadyExists;
            }

            this.DeleteInstance(s, instance.InstanceId);
        }

        s.Execute(
            "INSERT INTO instances (hub, instance_id, execution_id, name, status, input, created_time, last_updated_time, parent_instance_id) " +
            "VALUES ($hub, $id, $exec, $name, $status, $input, $created, $created, $parent)",
            ("$hub", this.hub),
            ("$id", instance.InstanceId),
            ("$exec", instance.ExecutionId),
            ("$name", instance.Name),
            ("$status", (int)OrchestrationStatus.Pending),
            ("$input", instance.Input),
            ("$created", SqliteRows.Ticks(instance.CreatedTime)),
            ("$parent", instance.ParentInstanceId));
        this.InsertMessage(s, new NewMessage(instance.InstanceId, null, instance.StartEvent), now);
        return CreateInstanceResult.Created;
    }

    private void DeleteInstance(SqliteSession s, string instanceId)
    {
        // Fixed table order in every multi-table change (history, inbox, tasks, instances).
        this.historyCache.Remove(instanceId);
        s.Execute("DELETE FROM history WHERE hub = $hub AND instance_id = $id", ("$hub", this.hub), ("$id", instanceId));
        s.Execute("DELETE FROM inbox WHERE hub = $hub AND instance_id = $id", ("$hub", this.hub), ("$id", instanceId));
        s.Execute("DELETE FROM tasks WHERE hub = $hub AND instance_id = $id", ("$hub", this.hub), ("$id", instanceId));
        s.Execute("DELETE FROM instances WHERE hub = $hub AND instance_id = $id", ("$hub", this.hub), ("$id", instanceId));
    }

    private void InsertMessage(SqliteSession s, NewMessage message, long now) =>
        s.Execute(
            "INSERT INTO inbox (hub, instance_id, execution_id, visible_time, payload) VALUES ($hub, $id, $exec, $visible, $payload)",
            ("$hub", this.hub),
            ("$id", message.InstanceId),
            ("$exec", message.ExecutionId),
            ("$visible", message.VisibleTime is { } visible ? SqliteRows.Ticks(visible) : now),
            ("$payload", SqliteRows.Serialize(message.Event)));

    private InstanceRecord? ReadInstance(SqliteSession s, string instanceId) =>
        s.First(
            $"SELECT {SqliteRows.InstanceColumns} FROM instances WHERE hub = $hub AND instance_id = $id",
            SqliteRows.ReadInstance,
            ("$hub", this.hub),
            ("$id", instanceId));

    private List<HistoryEvent> ReadHistory(SqliteSession s, string instanceId) =>
        s.Query(
            "SELECT payload FROM history WHERE hub = $hub AND instance_id = $id ORDER BY sequence",
            r => SqliteRows.Deserialize(r.GetString(0)),
            ("$hub", this.hub),
            ("$id", instanceId));
}
