namespace Durable.Testing;

/// <summary>
/// Marks a test class whose facts (inherited ones included) need PostgreSQL server binaries: under
/// <see cref="PostgresTestFramework"/> they are skipped, saying why, when there are none.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class PostgresRequiredAttribute : Attribute
{
}
