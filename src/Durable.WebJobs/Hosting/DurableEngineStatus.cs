namespace Durable.WebJobs.Hosting;

/// <summary>Whether this host's durable engine is running, for a readiness check (a service of the Durable extension).</summary>
public sealed class DurableEngineStatus
{
    private readonly DurableEngineHost host;

    internal DurableEngineStatus(DurableEngineHost host) => this.host = host;

    /// <summary>The task hub the engine serves.</summary>
    public string HubName => this.host.Options.HubName;

    /// <summary>Null while the engine runs; otherwise why it does not (not started yet, failed to start, stopped).</summary>
    public string? NotRunningReason => this.host.NotRunningReason;
}
