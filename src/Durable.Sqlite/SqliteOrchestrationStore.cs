using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Durable.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, every state change one IMMEDIATE transaction, every
/// commit fenced by the lease owner. Several processes may open the same file: leases and the file lock
/// keep each work item with one owner. Split by concern: instances and messages here, orchestration work
/// items, activity work items, and queries in the partial files beside it.
/// </summary>
public sealed partial class SqliteOrchestrationStore : IOrchestrationStore
{
    private readonly SqliteStoreOptions options;
    private readonly TimeProvider time;
    private readonly string hub;
    private SqliteDatabase? database;

    /// <summary>Creates the store; <see cref="InitializeAsync"/> opens the file.</summary>
    public SqliteOrchestrationStore(SqliteStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DatabasePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.HubName);
        this.options = options;
        this.time = timeProvider;
        this.hub = options.HubName;
    }

    private SqliteDatabase Db => this.database ?? throw new InvalidOperationException("Call InitializeAsync before using the store.");

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        this.database ??= new SqliteDatabase(this.options);
        await this.Db.TransactAsync(
            tx =>
            {
                this.Db.Execute(tx, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_time INTEGER NOT NULL)");
                int version = Convert.ToInt32(this.Db.Scalar(tx, "SELECT COALESCE(MAX(version), 0) FROM schema_version") ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
                if (version > SqliteSchema.CurrentVersion)
                {
                    throw new InvalidOperationException(
                        $"The database '{this.options.DatabasePath}' has schema version {version}, newer than this build supports ({SqliteSchema.CurrentVersion}). Upgrade the host or use another file.");
                }

                for (int next = version + 1; next <= SqliteSchema.CurrentVersion; next++)
                {
                    this.Db.Execute(tx, SqliteSchema.Migrations[next - 1]);
                    this.Db.Execute(tx, "INSERT INTO schema_version (version, applied_time) VALUES ($v, $t)", ("$v", next), ("$t", DateTime.UtcNow.Ticks));
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<CreateInstanceResult> CreateInstanceAsync(NewInstance instance, CancellationToken cancellationToken) =>
        this.Db.TransactAsync(tx => this.Create(tx, instance), cancellationToken);

    /// <inheritdoc/>
    public Task<EnqueueResult> EnqueueMessageAsync(string instanceId, HistoryEvent message, CancellationToken cancellationToken) =>
        this.Db.TransactAsync(
            tx =>
            {
                object? status = this.Db.Scalar(tx, "SELECT status FROM instances WHERE hub = $hub AND instance_id = $id", ("$hub", this.hub), ("$id", instanceId));
                if (status is null)
                {
                    return EnqueueResult.NotFound;
                }

                if (((OrchestrationRuntimeStatus)Convert.ToInt32(status, System.Globalization.CultureInfo.InvariantCulture)).IsTerminal())
                {
                    return EnqueueResult.Gone;
                }

                this.InsertMessage(tx, new NewMessage(instanceId, null, message));
                return EnqueueResult.Accepted;
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task<InstanceRecord?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken) =>
        this.Db.TransactAsync(tx => this.ReadInstance(tx, instanceId), cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken) =>
        this.Db.TransactAsync<IReadOnlyList<HistoryEvent>>(tx => this.ReadHistory(tx, instanceId), cancellationToken);

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        this.database?.Dispose();
        this.database = null;
        return ValueTask.CompletedTask;
    }

    private CreateInstanceResult Create(SqliteTransaction tx, NewInstance instance)
    {
        object? status = this.Db.Scalar(tx, "SELECT status FROM instances WHERE hub = $hub AND instance_id = $id", ("$hub", this.hub), ("$id", instance.InstanceId));
        if (status is not null)
        {
            if (!((OrchestrationRuntimeStatus)Convert.ToInt32(status, System.Globalization.CultureInfo.InvariantCulture)).IsTerminal())
            {
                return CreateInstanceResult.AlreadyExists;
            }

            this.DeleteInstance(tx, instance.InstanceId);
        }

        this.Db.Execute(
            tx,
            "INSERT INTO instances (hub, instance_id, execution_id, name, status, input, created_time, last_updated_time, parent_instance_id) " +
            "VALUES ($hub, $id, $exec, $name, $status, $input, $created, $created, $parent)",
            ("$hub", this.hub),
            ("$id", instance.InstanceId),
            ("$exec", instance.ExecutionId),
            ("$name", instance.Name),
            ("$status", (int)OrchestrationRuntimeStatus.Pending),
            ("$input", instance.Input),
            ("$created", SqliteRows.Ticks(instance.CreatedTime)),
            ("$parent", instance.ParentInstanceId));
        this.InsertMessage(tx, new NewMessage(instance.InstanceId, null, instance.StartEvent));
        return CreateInstanceResult.Created;
    }

    private void DeleteInstance(SqliteTransaction tx, string instanceId)
    {
        foreach (string table in new[] { "instances", "history", "inbox", "tasks" })
        {
            this.Db.Execute(tx, $"DELETE FROM {table} WHERE hub = $hub AND instance_id = $id", ("$hub", this.hub), ("$id", instanceId));
        }
    }

    private void InsertMessage(SqliteTransaction tx, NewMessage message) =>
        this.Db.Execute(
            tx,
            "INSERT INTO inbox (hub, instance_id, execution_id, visible_time, payload) VALUES ($hub, $id, $exec, $visible, $payload)",
            ("$hub", this.hub),
            ("$id", message.InstanceId),
            ("$exec", message.ExecutionId),
            ("$visible", SqliteRows.Ticks(message.VisibleTime ?? this.time.GetUtcNow())),
            ("$payload", SqliteRows.Serialize(message.Event)));

    private InstanceRecord? ReadInstance(SqliteTransaction tx, string instanceId)
    {
        using SqliteCommand command = this.Db.Command(tx, $"SELECT {SqliteRows.InstanceColumns} FROM instances WHERE hub = $hub AND instance_id = $id", ("$hub", this.hub), ("$id", instanceId));
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? SqliteRows.ReadInstance(reader) : null;
    }

    private List<HistoryEvent> ReadHistory(SqliteTransaction tx, string instanceId)
    {
        using SqliteCommand command = this.Db.Command(tx, "SELECT payload FROM history WHERE hub = $hub AND instance_id = $id ORDER BY sequence", ("$hub", this.hub), ("$id", instanceId));
        using SqliteDataReader reader = command.ExecuteReader();
        List<HistoryEvent> history = [];
        while (reader.Read())
        {
            history.Add(SqliteRows.Deserialize(reader.GetString(0)));
        }

        return history;
    }
}
