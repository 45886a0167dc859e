using Durable.WebJobs.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Durable.WebJobs.Tests;

/// <summary>What a readiness check reads of the engine: running from the JobHost's start to its stop, and why not otherwise.</summary>
public sealed class DurableEngineStatusTests
{
    [Fact]
    public async Task NotRunningReason_JobHostStartedThenEngineStopped_NullWhileRunningThenSaysStopped()
    {
        // Arrange
        DurableJobHost host = await DurableJobHost.StartAsync();
        DurableEngineStatus status = host.Services.GetRequiredService<DurableEngineStatus>();
        string? whileRunning;
        try
        {
            // Act
            whileRunning = status.NotRunningReason;
            await host.Services.GetRequiredService<DurableEngineHost>().StopAsync(CancellationToken.None);

            // Assert
            Assert.Null(whileRunning);
            Assert.Equal("TestHub", status.HubName);
            Assert.Equal("The durable engine was stopped.", status.NotRunningReason);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
