using Durable.Core;
using Durable.Core.Diagnostics;

namespace Durable.Postgres;

/// <summary>Readiness and the instance-status gauge.</summary>
public sealed partial class PostgresOrchestrationStore : IStoreHealthProbe, IInstanceStatusCounter
{
    /// <inheritdoc/>
    /// <remarks>One round trip: the server answers, and it is a primary that takes writes (not a standby, not read-only).</remarks>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        object? readOnly = await this.Db.ReadAsync(
            s => s.ScalarAsync("SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'", cancellationToken),
            cancellationToken).ConfigureAwait(false);
        if (readOnly is true)
        {
            throw PostgresErrors.Unavailable(this.Db.Server, "it is read-only (a standby, or transaction_read_only is on)", null);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<OrchestrationStatus, long>> CountInstancesByStatusAsync(CancellationToken cancellationToken) =>
        this.Db.ReadAsync<IReadOnlyDictionary<OrchestrationStatus, long>>(
            async s => (await s.QueryAsync(this.Sql("SELECT status, COUNT(*) FROM $s.instances WHERE hub = @hub GROUP BY status"), r => ((OrchestrationStatus)r.GetInt32(0), r.GetInt64(1)), cancellationToken, ("hub", this.hub)).ConfigureAwait(false))
                .ToDictionary(p => p.Item1, p => p.Item2),
            cancellationToken);
}
