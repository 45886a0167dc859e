using Durable.Core;
using Durable.Core.Diagnostics;

namespace Durable.Sqlite;

/// <summary>Readiness and the instance-status gauge.</summary>
public sealed partial class SqliteOrchestrationStore : IStoreHealthProbe, IInstanceStatusCounter
{
    /// <inheritdoc/>
    /// <remarks>
    /// An empty write transaction on the writer connection: it must take the file's write lock, so a file locked by
    /// another writer past the busy budget, a read-only or missing file, or a disk error fails it. Nothing is written,
    /// and it waits for no fsync.
    /// </remarks>
    public Task ProbeAsync(CancellationToken cancellationToken) =>
        this.Db.LeaseWriteAsync(_ => 0, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<OrchestrationStatus, long>> CountInstancesByStatusAsync(CancellationToken cancellationToken) =>
        this.Db.ReadAsync<IReadOnlyDictionary<OrchestrationStatus, long>>(
            s => s.Query("SELECT status, COUNT(*) FROM instances WHERE hub = $hub GROUP BY status", r => ((OrchestrationStatus)r.GetInt32(0), r.GetInt64(1)), ("$hub", this.hub))
                .ToDictionary(p => p.Item1, p => p.Item2),
            cancellationToken);
}
