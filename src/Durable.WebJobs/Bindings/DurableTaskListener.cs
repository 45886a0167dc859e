using Durable.WebJobs.Hosting;
using Microsoft.Azure.WebJobs.Host.Listeners;

namespace Durable.WebJobs.Bindings;

/// <summary>
/// One per durable function; all share the engine. WebJobs creates every listener (registering every executor)
/// before it starts any, so the engine starts with the whole function catalog known.
/// </summary>
internal sealed class DurableTaskListener : IListener
{
    private readonly DurableEngineHost host;

    public DurableTaskListener(DurableEngineHost host)
    {
        this.host = host;
    }

    public Task StartAsync(CancellationToken cancellationToken) => this.host.EnsureStartedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => this.host.StopAsync(cancellationToken);

    public void Cancel()
    {
    }

    public void Dispose()
    {
    }
}
