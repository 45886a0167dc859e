using Durable.Core.Diagnostics;
using Durable.Core.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FunctionsHost.Observability;

/// <summary>Ready only while the store answers and would take a write now (<see cref="IStoreHealthProbe"/>), within <see cref="Timeout"/>.</summary>
internal sealed class StoreHealthCheck : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly IOrchestrationStore store;

    public StoreHealthCheck(IOrchestrationStore store) => this.store = store;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (this.store is not IStoreHealthProbe probe)
        {
            return HealthCheckResult.Healthy("The store cannot be probed; assumed reachable.");
        }

        using CancellationTokenSource limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Timeout);
        try
        {
            await probe.ProbeAsync(limit.Token).WaitAsync(limit.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The store is reachable and writable.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The store did not take a write within {Timeout.TotalSeconds:0} s.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store's own message names the problem (locked, read-only, unreachable, stopped after a failed fsync)
            // and never a secret: connection strings are not quoted in store errors.
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
