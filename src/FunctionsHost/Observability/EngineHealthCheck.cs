using Durable.WebJobs.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FunctionsHost.Observability;

/// <summary>Ready only while the durable engine runs (started, not stopped, dispatchers alive).</summary>
internal sealed class EngineHealthCheck : IHealthCheck
{
    private readonly DurableEngineStatus engine;

    public EngineHealthCheck(DurableEngineStatus engine) => this.engine = engine;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(this.engine.NotRunningReason is { } reason
            ? HealthCheckResult.Unhealthy(reason)
            : HealthCheckResult.Healthy($"The durable engine of task hub '{this.engine.HubName}' is running."));
}
