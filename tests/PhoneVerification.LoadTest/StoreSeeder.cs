using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace PhoneVerification.LoadTest;

/// <summary>
/// Grows a stopped host's SQLite file with completed instances for the "store grows" target: running a million
/// flows over HTTP would take the better part of an hour here, so the newest completed instance (made by a real
/// run) is cloned, rows and history alike, under random 32-hex ids like the engine's own. Only for test files:
/// it writes the tables directly.
/// </summary>
internal static class StoreSeeder
{
    private const int Batch = 50_000;

    public static void Seed(string databasePath, int count, TextWriter output)
    {
        if (!File.Exists(databasePath))
        {
            throw new ArgumentException($"No SQLite file at {databasePath}: run a few flows against it first.");
        }

        using SqliteConnection connection = new(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadWrite }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL");
        (string hub, string template) = FindTemplate(connection);
        Stopwatch clock = Stopwatch.StartNew();
        for (int done = 0; done < count; done += Batch)
        {
            int n = Math.Min(Batch, count - done);
            using SqliteTransaction tx = connection.BeginTransaction();
            Execute(
                connection,
                "CREATE TEMP TABLE IF NOT EXISTS seed_ids (i INTEGER PRIMARY KEY, id TEXT NOT NULL); DELETE FROM seed_ids; " +
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n) INSERT INTO seed_ids SELECT i, lower(hex(randomblob(16))) FROM n; " +
                "INSERT INTO instances (hub, instance_id, execution_id, name, status, input, output, custom_status, created_time, last_updated_time, completed_time, parent_instance_id) " +
                "  SELECT t.hub, s.id, lower(hex(randomblob(16))), t.name, t.status, t.input, t.output, t.custom_status, t.created_time - s.i * 1000, t.last_updated_time - s.i * 1000, t.completed_time - s.i * 1000, NULL " +
                "  FROM instances t, seed_ids s WHERE t.hub = $hub AND t.instance_id = $template; " +
                "INSERT INTO history (hub, instance_id, execution_id, sequence, event_type, payload) " +
                "  SELECT h.hub, s.id, i.execution_id, h.sequence, h.event_type, h.payload FROM seed_ids s JOIN instances i ON i.hub = $hub AND i.instance_id = s.id " +
                "  JOIN history h ON h.hub = $hub AND h.instance_id = $template",
                tx,
                ("$n", n),
                ("$hub", hub),
                ("$template", template));
            tx.Commit();
            output.WriteLine($"seeded {done + n} of {count} completed instances ({clock.Elapsed.TotalSeconds:0} s)");
        }

        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
    }

    private static (string Hub, string Template) FindTemplate(SqliteConnection connection)
    {
        using SqliteCommand find = connection.CreateCommand();
        find.CommandText = "SELECT hub, instance_id FROM instances WHERE status = 1 ORDER BY completed_time DESC LIMIT 1";
        using SqliteDataReader reader = find.ExecuteReader();
        return reader.Read()
            ? (reader.GetString(0), reader.GetString(1))
            : throw new ArgumentException("The file holds no completed instance to clone: run a few flows against it first.");
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}
