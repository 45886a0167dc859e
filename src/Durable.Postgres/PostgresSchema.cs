namespace Durable.Postgres;

/// <summary>
/// The schema, versioned. Released versions are never edited: a change is a new entry in <see cref="Migrations"/>,
/// applied in order inside the initializing transaction under an advisory lock, so hosts starting together
/// migrate once. Every key begins with the hub so task hubs share a database without seeing each other. Times are
/// bigint UTC ticks (100 ns), as in the SQLite store: exact, and always computed from the store's clock, never
/// from <c>now()</c>, so a fake clock drives visibility and leases. Text keys use the "C" collation: ordinal order,
/// the same as the other stores, and cheaper comparisons.
/// </summary>
internal static class PostgresSchema
{
    public const int CurrentVersion = 3;

    /// <summary>The migrations; <c>{0}</c> is the schema name.</summary>
    public static readonly string[] Migrations =
    [
        // Version 1.
        """
        CREATE TABLE {0}.instances (
            hub text COLLATE "C" NOT NULL, instance_id text COLLATE "C" NOT NULL, execution_id text NOT NULL, name text NOT NULL,
            status integer NOT NULL, input text, output text, custom_status text,
            created_time bigint NOT NULL, last_updated_time bigint NOT NULL, completed_time bigint,
            parent_instance_id text, locked_by text, lock_expiration bigint,
            PRIMARY KEY (hub, instance_id));
        CREATE INDEX ix_instances_created ON {0}.instances (hub, created_time, instance_id);
        CREATE INDEX ix_instances_status ON {0}.instances (hub, status);
        CREATE INDEX ix_instances_lease ON {0}.instances (hub, lock_expiration) WHERE locked_by IS NOT NULL;
        CREATE TABLE {0}.history (
            hub text COLLATE "C" NOT NULL, instance_id text COLLATE "C" NOT NULL, execution_id text NOT NULL,
            sequence bigint NOT NULL, event_type integer NOT NULL, payload text NOT NULL,
            PRIMARY KEY (hub, instance_id, sequence));
        CREATE TABLE {0}.inbox (
            sequence bigserial PRIMARY KEY, hub text COLLATE "C" NOT NULL, instance_id text COLLATE "C" NOT NULL,
            execution_id text, visible_time bigint NOT NULL, dequeue_count integer NOT NULL DEFAULT 0, payload text NOT NULL);
        CREATE INDEX ix_inbox_instance ON {0}.inbox (hub, instance_id, visible_time, sequence);
        CREATE INDEX ix_inbox_visible ON {0}.inbox (hub, visible_time, sequence) INCLUDE (instance_id);
        CREATE TABLE {0}.tasks (
            sequence bigserial PRIMARY KEY, hub text COLLATE "C" NOT NULL, instance_id text COLLATE "C" NOT NULL,
            execution_id text NOT NULL, name text NOT NULL, task_id integer NOT NULL, input text,
            visible_time bigint NOT NULL, dequeue_count integer NOT NULL DEFAULT 0, locked_by text, lock_expiration bigint);
        CREATE INDEX ix_tasks_visible ON {0}.tasks (hub, visible_time, sequence);
        CREATE INDEX ix_tasks_instance ON {0}.tasks (hub, instance_id);
        CREATE INDEX ix_tasks_lease ON {0}.tasks (hub, lock_expiration) WHERE locked_by IS NOT NULL;
        """,

        // Version 2: every lease carries its own fencing token (LeaseTokens), so an older lease of the same owner
        // cannot commit, renew or abandon. Leases taken before have none and are refused once they lapse.
        """
        ALTER TABLE {0}.instances ADD COLUMN lease_token bigint;
        ALTER TABLE {0}.tasks ADD COLUMN lease_token bigint;
        """,

        // Version 3: a commit is sent as one batch of statements, so its fence cannot be a row count read back between
        // them; this makes it an error instead, which stops the batch and dooms the transaction. Called as
        // require_lease(count(*)) over the fencing UPDATE's (or DELETE's) RETURNING rows. The inbox and tasks are
        // queues: few live rows, many dead ones, so autovacuum visits them by count of changed rows, not by share.
        """
        ALTER TABLE {0}.inbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000);
        ALTER TABLE {0}.tasks SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000);
        CREATE FUNCTION {0}.require_lease(held bigint) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            IF held = 0 THEN
                RAISE EXCEPTION 'the lease is no longer held' USING ERRCODE = 'DL001';
            END IF;
        END $$;
        """,
    ];
}
