namespace Durable.Postgres;

/// <summary>One SQL statement and its named parameters, to be sent alone or in a batch (<see cref="PostgresSession.ExecuteBatchAsync"/>).</summary>
internal sealed record PostgresStatement(string Sql, params (string Name, object? Value)[] Parameters);
