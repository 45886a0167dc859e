using Npgsql;

namespace Durable.Postgres;

/// <summary>
/// One connection and, for writes, its open transaction: small helpers so store code reads as SQL. Round trips are
/// what a store call costs most (on both sides of the wire), so statements that do not need each other's results go
/// together: a transaction's prelude (its settings) rides with its first statement (and Npgsql sends the deferred BEGIN
/// with it too), and <see cref="ExecuteBatchAsync"/> sends several statements at once.
/// </summary>
internal sealed class PostgresSession
{
    private static readonly PostgresStatement CustomPlans = Local("plan_cache_mode", "force_custom_plan");

    private readonly NpgsqlConnection connection;
    private readonly NpgsqlTransaction? transaction;
    private readonly bool singleRoundTrip;
    private IReadOnlyList<PostgresStatement> prelude;
    private bool sent;

    /// <param name="connection">The open connection.</param>
    /// <param name="transaction">Its open transaction, if any.</param>
    /// <param name="prelude">Settings sent ahead of the first statement.</param>
    /// <param name="singleRoundTrip">
    /// The session's one batch is its transaction (implicit, committed at the batch's end): a second batch would be a
    /// transaction of its own, so it throws instead of silently splitting the write in two.
    /// </param>
    public PostgresSession(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<PostgresStatement>? prelude = null, bool singleRoundTrip = false)
    {
        this.connection = connection;
        this.transaction = transaction;
        this.prelude = prelude ?? [];
        this.singleRoundTrip = singleRoundTrip;
    }

    /// <summary>
    /// Has the session's next statements planned for their parameter values (the pooled sessions use generic plans,
    /// see <see cref="PostgresDatabase.Open"/>): for queries whose best plan depends on them, like a filter on a status
    /// that is rare or common. Sent with the next round trip (<see cref="Local"/>); it ends with that transaction.
    /// </summary>
    public void UseCustomPlans() => this.prelude = [.. this.prelude, CustomPlans];

    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using NpgsqlBatch batch = this.Batch([new PostgresStatement(sql, parameters)]);
        return await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<int> ExecuteAsync(PostgresStatement statement, CancellationToken cancellationToken) =>
        this.ExecuteAsync(statement.Sql, cancellationToken, statement.Parameters);

    /// <summary>A script of several statements separated by ';' (schema migrations), sent as one simple query.</summary>
    public async Task ExecuteScriptAsync(string script, CancellationToken cancellationToken)
    {
        if (this.singleRoundTrip)
        {
            throw new InvalidOperationException("A script takes more than one round trip: run it in a transaction.");
        }

        // A batch command holds one statement; the prelude, if still pending, goes first on its own.
        await this.ExecuteBatchAsync([], cancellationToken).ConfigureAwait(false);
        await using NpgsqlCommand command = new(script, this.connection, this.transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the statements in one round trip. They run in order, each seeing what the ones before it wrote; the first
    /// that fails stops the rest (its exception surfaces, and the transaction is then only good for rolling back).
    /// </summary>
    public async Task ExecuteBatchAsync(IReadOnlyList<PostgresStatement> statements, CancellationToken cancellationToken)
    {
        if (statements.Count == 0 && this.prelude.Count == 0)
        {
            return;
        }

        await using NpgsqlBatch batch = this.Batch(statements);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using NpgsqlBatch batch = this.Batch([new PostgresStatement(sql, parameters)], out int settings);
        await using NpgsqlDataReader reader = await ReadAfterAsync(batch, settings, cancellationToken).ConfigureAwait(false);
        object? value = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetValue(0) : null;
        return value is DBNull ? null : value;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using NpgsqlBatch batch = this.Batch([new PostgresStatement(sql, parameters)], out int settings);
        await using NpgsqlDataReader reader = await ReadAfterAsync(batch, settings, cancellationToken).ConfigureAwait(false);
        List<T> rows = [];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>Two queries in one round trip, each read with its own reader function.</summary>
    public async Task<(List<T1> First, List<T2> Second)> QueryBothAsync<T1, T2>(
        PostgresStatement first,
        Func<NpgsqlDataReader, T1> readFirst,
        PostgresStatement second,
        Func<NpgsqlDataReader, T2> readSecond,
        CancellationToken cancellationToken)
    {
        List<T1> firstRows = [];
        List<T2> secondRows = [];
        await this.QueryEachAsync([(first, r => firstRows.Add(readFirst(r))), (second, r => secondRows.Add(readSecond(r)))], cancellationToken).ConfigureAwait(false);
        return (firstRows, secondRows);
    }

    /// <summary>Several queries in one round trip, in order; each row of each result goes to that query's row reader.</summary>
    public async Task QueryEachAsync(IReadOnlyList<(PostgresStatement Statement, Action<NpgsqlDataReader> ReadRow)> queries, CancellationToken cancellationToken)
    {
        await using NpgsqlBatch batch = this.Batch([.. queries.Select(q => q.Statement)], out int settings);
        await using NpgsqlDataReader reader = await ReadAfterAsync(batch, settings, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < queries.Count; i++)
        {
            if (i > 0 && !await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                queries[i].ReadRow(reader);
            }
        }
    }

    public async Task<T?> FirstAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
        where T : class
    {
        List<T> rows = await this.QueryAsync(sql, read, cancellationToken, parameters).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>
    /// Sets <paramref name="name"/> for the current transaction only, as SET LOCAL does, but with set_config: a batch
    /// sent without BEGIN is a transaction that PostgreSQL does not count as a transaction block, so SET LOCAL there
    /// logs a WARNING on the server for every call (it still applies until the batch commits). Zero columns and zero
    /// rows, so it adds nothing to a statement count; a reader skips its empty result (<see cref="ReadAfterAsync"/>).
    /// Both arguments are the store's own constants, written into the text so the statement is prepared once.
    /// </summary>
    internal static PostgresStatement Local(string name, string value) =>
        new($"SELECT FROM set_config('{name}', '{value}', true) AS setting WHERE setting IS NULL");

    /// <summary>Runs the batch and moves its reader past the results of its first <paramref name="settings"/> commands (the prelude).</summary>
    private static async Task<NpgsqlDataReader> ReadAfterAsync(NpgsqlBatch batch, int settings, CancellationToken cancellationToken)
    {
        NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < settings; i++)
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        }

        return reader;
    }

    private NpgsqlBatch Batch(IReadOnlyList<PostgresStatement> statements) => this.Batch(statements, out _);

    /// <summary>The statements as one batch, the pending prelude first.</summary>
    /// <param name="statements">The statements after the prelude.</param>
    /// <param name="settings">How many prelude commands lead the batch.</param>
    private NpgsqlBatch Batch(IReadOnlyList<PostgresStatement> statements, out int settings)
    {
        if (this.singleRoundTrip && this.sent)
        {
            throw new InvalidOperationException("A one-round-trip write sends one batch: a second would commit apart from the first.");
        }

        this.sent = true;
        NpgsqlBatch batch = new(this.connection, this.transaction);
        settings = this.prelude.Count;
        foreach (PostgresStatement setting in this.prelude)
        {
            batch.BatchCommands.Add(Command(setting));
        }

        this.prelude = [];

        foreach (PostgresStatement statement in statements)
        {
            batch.BatchCommands.Add(Command(statement));
        }

        return batch;
    }

    private static NpgsqlBatchCommand Command(PostgresStatement statement)
    {
        if (statement.Parameters.Length == 0)
        {
            // Left to Npgsql, which splits a text of several statements (a migration script) into several.
            return new NpgsqlBatchCommand(statement.Sql);
        }

        PostgresPositionalSql positional = PostgresPositionalSql.Of(statement.Sql);
        NpgsqlBatchCommand command = new(positional.Sql);
        foreach (object? value in positional.Values(statement.Parameters))
        {
            // Every nullable column the store writes is text: a typed null spares the server guessing its type.
            command.Parameters.Add(value is null ? new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = DBNull.Value } : new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
