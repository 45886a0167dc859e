using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Durable.WebJobs.Tests;

/// <summary>A real WebJobs host with AddDurableTask over the in-memory store and <see cref="TestFunctions"/> indexed.</summary>
internal sealed class DurableJobHost : IAsyncDisposable
{
    private readonly IHost host;

    private DurableJobHost(IHost host)
    {
        this.host = host;
    }

    public IServiceProvider Services => this.host.Services;

    public static async Task<DurableJobHost> StartAsync(Action<DurableTaskOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        IHost host = new HostBuilder()
            .ConfigureWebJobs(webJobs => webJobs.AddDurableTask(options =>
            {
                options.HubName = "TestHub";
                options.ConfigureEngine = engine => engine.MaxPollingInterval = TimeSpan.FromMilliseconds(100);
                configure?.Invoke(options);
            }))
            .ConfigureServices(collection =>
            {
                collection.AddSingleton<ITypeLocator>(new TypeLocator(typeof(TestFunctions)));
                services?.Invoke(collection);
            })
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .Build();
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(30));
        await host.StartAsync(timeout.Token);
        return new DurableJobHost(host);
    }

    public Task CallAsync(string function, object arguments)
    {
        JobHost jobHost = (JobHost)this.host.Services.GetRequiredService<IJobHost>();
        return jobHost.CallAsync(function, arguments).WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(20));
        await this.host.StopAsync(timeout.Token);
        this.host.Dispose();
    }

    private sealed class TypeLocator(params Type[] types) : ITypeLocator
    {
        public IReadOnlyList<Type> GetTypes() => types;
    }
}
