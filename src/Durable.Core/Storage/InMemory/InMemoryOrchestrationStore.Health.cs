using Durable.Core.Diagnostics;

namespace Durable.Core.Storage.InMemory;

/// <summary>Readiness (always: memory is there) and the instance-status gauge.</summary>
public sealed partial class InMemoryOrchestrationStore : IStoreHealthProbe, IInstanceStatusCounter
{
    /// <inheritdoc/>
    public Task ProbeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<OrchestrationStatus, long>> CountInstancesByStatusAsync(CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            IReadOnlyDictionary<OrchestrationStatus, long> counts = this.instances.Values
                .GroupBy(i => i.Record.Status)
                .ToDictionary(g => g.Key, g => (long)g.Count());
            return Task.FromResult(counts);
        }
    }
}
