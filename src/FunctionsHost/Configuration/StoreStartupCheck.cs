using Durable.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsHost.Configuration;

/// <summary>
/// Opens the configured store before the host starts listening, so an unreachable PostgreSQL server, wrong
/// credentials or a missing database stop the start with one clear line (a <see cref="StoreUnavailableException"/>)
/// instead of surfacing later as failed function listeners. Initialization is idempotent: the engine's own call at
/// start finds the schema in place.
/// </summary>
internal static class StoreStartupCheck
{
    public static Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<IOrchestrationStore>().InitializeAsync(cancellationToken);
}
