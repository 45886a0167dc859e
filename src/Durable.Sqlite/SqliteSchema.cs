namespace Durable.Sqlite;

/// <summary>
/// The schema, versioned. Released versions are never edited: a change is a new entry in <see cref="Migrations"/>,
/// applied in order inside the initializing transaction. Every key begins with the hub name so task hubs share a
/// file without seeing each other. Times are INTEGER UTC ticks (100 ns): exact, so ordering and
/// <c>visible_time &lt;= now</c> compare the same values the engine computed.
/// </summary>
internal static class SqliteSchema
{
    public const int CurrentVersion = 3;

    public static readonly string[] Migrations =
    [
        // Version 1.
        """
        CREATE TABLE instances (
            hub TEXT NOT NULL, instance_id TEXT NOT NULL, execution_id TEXT NOT NULL, name TEXT NOT NULL,
            status INTEGER NOT NULL, input TEXT, output TEXT, custom_status TEXT,
            created_time INTEGER NOT NULL, last_updated_time INTEGER NOT NULL, completed_time INTEGER,
            parent_instance_id TEXT, locked_by TEXT, lock_expiration INTEGER,
            PRIMARY KEY (hub, instance_id)) WITHOUT ROWID;
        CREATE INDEX ix_instances_created ON instances (hub, created_time, instance_id);
        CREATE INDEX ix_instances_status ON instances (hub, status);
        CREATE TABLE history (
            hub TEXT NOT NULL, instance_id TEXT NOT NULL, sequence INTEGER NOT NULL,
            event_type INTEGER NOT NULL, payload TEXT NOT NULL,
            PRIMARY KEY (hub, instance_id, sequence)) WITHOUT ROWID;
        CREATE TABLE inbox (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT, hub TEXT NOT NULL, instance_id TEXT NOT NULL,
            execution_id TEXT, visible_time INTEGER NOT NULL, dequeue_count INTEGER NOT NULL DEFAULT 0,
            payload TEXT NOT NULL);
        CREATE INDEX ix_inbox_instance ON inbox (hub, instance_id, sequence);
        CREATE INDEX ix_inbox_visible ON inbox (hub, visible_time, sequence);
        CREATE TABLE tasks (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT, hub TEXT NOT NULL, instance_id TEXT NOT NULL,
            execution_id TEXT NOT NULL, name TEXT NOT NULL, task_id INTEGER NOT NULL, input TEXT,
            visible_time INTEGER NOT NULL, dequeue_count INTEGER NOT NULL DEFAULT 0,
            locked_by TEXT, lock_expiration INTEGER);
        CREATE INDEX ix_tasks_visible ON tasks (hub, visible_time, sequence);
        CREATE INDEX ix_tasks_instance ON tasks (hub, instance_id);
        """,

        // Version 2: each history row names its execution; the lease scan reads the instance id from the
        // index alone; wake-up queries find the next lease expiry without scanning idle rows.
        """
        ALTER TABLE history ADD COLUMN execution_id TEXT NOT NULL DEFAULT '';
        UPDATE history SET execution_id = COALESCE(
            (SELECT i.execution_id FROM instances i WHERE i.hub = history.hub AND i.instance_id = history.instance_id), '');
        DROP INDEX ix_inbox_visible;
        CREATE INDEX ix_inbox_visible ON inbox (hub, visible_time, sequence, instance_id);
        CREATE INDEX ix_instances_lease ON instances (hub, lock_expiration) WHERE locked_by IS NOT NULL;
        CREATE INDEX ix_tasks_lease ON tasks (hub, lock_expiration) WHERE locked_by IS NOT NULL;
        """,

        // Version 3: every lease carries its own fencing token (LeaseTokens), so an older lease of the same owner
        // cannot commit, renew or abandon. Leases taken before have none and are refused once they lapse.
        """
        ALTER TABLE instances ADD COLUMN lease_token INTEGER;
        ALTER TABLE tasks ADD COLUMN lease_token INTEGER;
        """,
    ];
}
