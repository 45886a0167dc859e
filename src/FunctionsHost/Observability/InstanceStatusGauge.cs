using System.Diagnostics.Metrics;
using Durable.Core;
using Durable.Core.Diagnostics;
using Durable.Core.Storage;

namespace FunctionsHost.Observability;

/// <summary>
/// <c>durable.instances</c>: the task hub's instances by runtime status, counted by the store (from its status index)
/// every <see cref="Interval"/> in the background, so a scrape never waits on the store. All hosts of a shared store
/// report the same numbers.
/// </summary>
internal sealed class InstanceStatusGauge : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private readonly IOrchestrationStore store;
    private readonly TimeProvider time;
    private readonly ILogger<InstanceStatusGauge> logger;
    private readonly Meter meter;
    private volatile IReadOnlyDictionary<OrchestrationStatus, long> counts = new Dictionary<OrchestrationStatus, long>();

    public InstanceStatusGauge(IOrchestrationStore store, TimeProvider time, ILogger<InstanceStatusGauge> logger)
    {
        this.store = store;
        this.time = time;
        this.logger = logger;
        this.meter = new Meter(TelemetryNames.HostMeter);
        this.meter.CreateObservableGauge("durable.instances", this.Observe, "{instance}", "Instances of the task hub by runtime status (refreshed every 15 s).");
    }

    public override void Dispose()
    {
        this.meter.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (this.store is not IInstanceStatusCounter counter)
        {
            return;
        }

        using PeriodicTimer timer = new(Interval, this.time);
        do
        {
            try
            {
                this.counts = await counter.CountInstancesByStatusAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The last counts stay; readiness reports an unreachable store.
                this.logger.LogWarning("Could not count instances by status for the durable.instances gauge: {Error}", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        IReadOnlyDictionary<OrchestrationStatus, long> snapshot = this.counts;
        foreach (OrchestrationStatus status in Enum.GetValues<OrchestrationStatus>())
        {
            yield return new Measurement<long>(snapshot.GetValueOrDefault(status), new KeyValuePair<string, object?>("durable.runtime_status", status.ToString()));
        }
    }
}
