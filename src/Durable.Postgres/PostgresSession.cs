using Npgsql;

namespace Durable.Postgres;

/// <summary>One connection and, for writes, its open transaction: small helpers so store code reads as SQL.</summary>
internal sealed class PostgresSession
{
    private readonly NpgsqlConnection connection;
    private readonly NpgsqlTransaction? transaction;

    public PostgresSession(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        this.connection = connection;
        this.transaction = transaction;
    }

    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using NpgsqlCommand command = this.Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using NpgsqlCommand command = this.Command(sql, parameters);
        object? value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using NpgsqlCommand command = this.Command(sql, parameters);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        List<T> rows = [];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    public async Task<T?> FirstAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
        where T : class
    {
        List<T> rows = await this.QueryAsync(sql, read, cancellationToken, parameters).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private NpgsqlCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        NpgsqlCommand command = new(sql, this.connection, this.transaction);
        foreach ((string name, object? value) in parameters)
        {
            // Every nullable column the store writes is text: a typed null spares the server guessing its type.
            if (value is null)
            {
                command.Parameters.Add(new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value });
            }
            else
            {
                command.Parameters.AddWithValue(name, value);
            }
        }

        return command;
    }
}
