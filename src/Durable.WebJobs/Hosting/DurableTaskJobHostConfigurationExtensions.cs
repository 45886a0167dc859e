using Durable.Core.Storage;
using Durable.Core.Storage.InMemory;
using Durable.WebJobs.Hosting;
using Durable.WebJobs.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>Registers the Durable extension (same class, method and namespace names as Durable Functions).</summary>
public static class DurableTaskJobHostConfigurationExtensions
{
    /// <summary>
    /// Adds the Durable bindings (<c>[OrchestrationTrigger]</c>, <c>[ActivityTrigger]</c>, <c>[DurableClient]</c>),
    /// the engine they run on and the management API handler (map it with <c>MapDurableTaskWebhooks</c>).
    /// </summary>
    /// <remarks>
    /// The engine stores state in the <see cref="IOrchestrationStore"/> registered in the services (SQLite or
    /// PostgreSQL in the host); without one, an in-memory store is used and nothing survives the process.
    /// Options bind from the WebJobs section <c>extensions:DurableTask</c>.
    /// </remarks>
    /// <param name="builder">The WebJobs builder.</param>
    /// <returns>The builder.</returns>
    public static IWebJobsBuilder AddDurableTask(this IWebJobsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(DurableFunctionRegistry)))
        {
            return builder;
        }

        builder.AddExtension<DurableTaskExtensionConfigProvider>().BindOptions<DurableTaskOptions>();
        IServiceCollection services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IOrchestrationStore>(sp => new InMemoryOrchestrationStore(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<DurableFunctionRegistry>();
        services.AddSingleton<DurableEngineHost>();
        services.AddSingleton(sp => new DurableEngineStatus(sp.GetRequiredService<DurableEngineHost>()));
        services.TryAddSingleton<IDurableHttpAuthorizer, OpenDurableHttpAuthorizer>();
        services.AddOptions<DurableHttpOptions>();
        services.AddSingleton<HttpManagementLinks>();
        services.AddSingleton<DurableTaskHttpApi>();
        return builder;
    }

    /// <summary>Adds the Durable extension as <see cref="AddDurableTask(IWebJobsBuilder)"/> does, then applies <paramref name="configure"/>.</summary>
    /// <param name="builder">The WebJobs builder.</param>
    /// <param name="configure">Adjusts the options after they are bound from configuration.</param>
    /// <returns>The builder.</returns>
    public static IWebJobsBuilder AddDurableTask(this IWebJobsBuilder builder, Action<DurableTaskOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddDurableTask();
        builder.Services.Configure(configure);
        return builder;
    }
}
