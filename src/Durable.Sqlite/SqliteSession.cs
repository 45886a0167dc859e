using Microsoft.Data.Sqlite;

namespace Durable.Sqlite;

/// <summary>
/// One open connection and its prepared commands. A command is prepared on first use and kept, keyed by its
/// SQL text, so the hot paths (lease, commit) parse no SQL after warm-up. Used by one caller at a time: the
/// write session under the database's write gate, a read session while taken from the pool.
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    // The store's SQL texts are a few dozen fixed strings plus a bounded number of filter combinations;
    // the cap only guards against an unforeseen source of distinct texts.
    private const int MaxCachedCommands = 128;
    private readonly Dictionary<string, SqliteCommand> commands = new(StringComparer.Ordinal);

    public SqliteSession(SqliteConnection connection)
    {
        this.Connection = connection;
    }

    public SqliteConnection Connection { get; }

    /// <summary>Runs a statement; returns the number of rows it changed.</summary>
    public int Execute(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
        this.Prepare(sql, parameters).ExecuteNonQuery();

    /// <summary>The first column of the first row, or null when there is no row or the value is NULL.</summary>
    public object? Scalar(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        object? value = this.Prepare(sql, parameters).ExecuteScalar();
        return value is DBNull ? null : value;
    }

    /// <summary>Every row, mapped by <paramref name="read"/>.</summary>
    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> read, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using SqliteDataReader reader = this.Prepare(sql, parameters).ExecuteReader();
        List<T> rows = [];
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>The first row mapped by <paramref name="read"/>, or null. The statement still runs to completion.</summary>
    public T? First<T>(string sql, Func<SqliteDataReader, T> read, params ReadOnlySpan<(string Name, object? Value)> parameters)
        where T : class
    {
        using SqliteDataReader reader = this.Prepare(sql, parameters).ExecuteReader();
        T? row = reader.Read() ? read(reader) : null;

        // Step an UPDATE ... RETURNING to its end so the change is complete before the next statement.
        while (reader.Read())
        {
        }

        return row;
    }

    /// <summary>Runs a script of several statements (schema migrations) without caching it.</summary>
    public void ExecuteScript(string sql)
    {
        using SqliteCommand command = this.Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (SqliteCommand command in this.commands.Values)
        {
            command.Dispose();
        }

        this.commands.Clear();
        this.Connection.Dispose();
    }

    private SqliteCommand Prepare(string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (!this.commands.TryGetValue(sql, out SqliteCommand? command))
        {
            if (this.commands.Count >= MaxCachedCommands)
            {
                foreach (SqliteCommand old in this.commands.Values)
                {
                    old.Dispose();
                }

                this.commands.Clear();
            }

            command = this.Connection.CreateCommand();
            command.CommandText = sql;
            this.commands.Add(sql, command);
        }

        // Callers pass one SQL text's parameters in one order, so values are replaced in place; the
        // statement stays prepared (rebinding happens on every execution anyway).
        SqliteParameterCollection bound = command.Parameters;
        bool sameShape = bound.Count == parameters.Length;
        for (int i = 0; sameShape && i < parameters.Length; i++)
        {
            sameShape = bound[i].ParameterName == parameters[i].Name;
        }

        if (!sameShape)
        {
            bound.Clear();
            foreach ((string name, object? value) in parameters)
            {
                bound.AddWithValue(name, value ?? DBNull.Value);
            }
        }
        else
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                bound[i].Value = parameters[i].Value ?? DBNull.Value;
            }
        }

        return command;
    }
}
