namespace Durable.Testing;

/// <summary>
/// A fact that needs PostgreSQL server binaries: skipped, with the reason in the test output, only when there are
/// none (<see cref="PostgresCluster.SkipReason"/>). Binaries that exist but fail make the test fail, not skip.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresCluster.SkipReason is { } reason)
        {
            this.Skip = reason;
        }
    }
}
