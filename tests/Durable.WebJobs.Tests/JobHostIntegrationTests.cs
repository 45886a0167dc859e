using Durable.WebJobs.Hosting;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;

namespace Durable.WebJobs.Tests;

public sealed class JobHostIntegrationTests
{
    [Fact]
    public async Task ClientFunction_StartsOrchestrator_RunsActivityAndEventThroughJobHost()
    {
        // Arrange
        await using DurableJobHost host = await DurableJobHost.StartAsync();
        StartedIds ids = new();

        // Act
        await host.CallAsync("StartGreeting", new { name = "Ada", ids });
        string id = Assert.Single(ids);
        IDurableClient client = ClientOf(host);
        DurableOrchestrationStatus waiting = await WaitForAsync(client, id, s => s.CustomStatus is not null);
        await client.RaiseEventAsync(id, "Suffix", "!");
        DurableOrchestrationStatus done = await WaitForAsync(client, id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Completed);

        // Assert
        Assert.Equal("waiting", (string?)waiting.CustomStatus!["step"]);
        Assert.Equal("Hello Ada!", (string?)done.Output);
        Assert.Equal("Ada", (string?)done.Input);
    }

    [Fact]
    public async Task Orchestrator_TimerWinsAndIsNotCancelled_CompletesFalse()
    {
        await using DurableJobHost host = await DurableJobHost.StartAsync();
        IDurableClient client = ClientOf(host);

        string id = await client.StartNewAsync("TimerThenDone", null, (object?)null);
        DurableOrchestrationStatus done = await WaitForAsync(client, id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Completed);

        Assert.False((bool)done.Output!);
    }

    [Fact]
    public async Task Orchestrator_EventBeforeTimer_CompletesTrue()
    {
        await using DurableJobHost host = await DurableJobHost.StartAsync();
        IDurableClient client = ClientOf(host);

        string id = await client.StartNewAsync("TimerThenDone", "timer-event", (object?)null);
        await client.RaiseEventAsync(id, "Answer", 42);
        DurableOrchestrationStatus done = await WaitForAsync(client, id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Completed);

        Assert.True((bool)done.Output!);
    }

    [Fact]
    public async Task Orchestrator_ActivityThrows_SeesFunctionFailedException()
    {
        await using DurableJobHost host = await DurableJobHost.StartAsync();
        IDurableClient client = ClientOf(host);

        string id = await client.StartNewAsync("CallsFailingActivity", "failing", (object?)null);
        DurableOrchestrationStatus done = await WaitForAsync(client, id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Completed);

        string message = (string)done.Output!;
        Assert.StartsWith("The activity function 'Fails' failed: \"boom in failing\"", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Orchestrator_ReturnsNothingButSetOutput_OutputIsSetValue()
    {
        await using DurableJobHost host = await DurableJobHost.StartAsync();
        IDurableClient client = ClientOf(host);

        string id = await client.StartNewAsync("UsesSetOutput", "set-output", (object?)null);
        DurableOrchestrationStatus done = await WaitForAsync(client, id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Completed);

        Assert.Equal(42, (int)done.Output!);
    }

    [Fact]
    public async Task StartNewAsync_UnknownOrchestrator_ThrowsArgumentException()
    {
        await using DurableJobHost host = await DurableJobHost.StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => ClientOf(host).StartNewAsync("Nope", null, (object?)null));
    }

    [Fact]
    public async Task RaiseEventAsync_UnknownInstance_ThrowsArgumentException()
    {
        await using DurableJobHost host = await DurableJobHost.StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => ClientOf(host).RaiseEventAsync("missing", "Suffix", "x"));
    }

    [Fact]
    public async Task RewindAsync_RunningInstance_ThrowsInvalidOperationAndUnknownThrowsArgument()
    {
        // Arrange
        await using DurableJobHost host = await DurableJobHost.StartAsync();
        IDurableClient client = ClientOf(host);
        string id = await client.StartNewAsync("TimerThenDone", "rewind-running", (object?)null);
        await WaitForAsync(client, id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        // Act
        InvalidOperationException running = await Assert.ThrowsAsync<InvalidOperationException>(() => client.RewindAsync(id, "no"));
        ArgumentException unknown = await Assert.ThrowsAsync<ArgumentException>(() => client.RewindAsync("missing", "no"));

        // Assert
        Assert.Contains("Failed", running.Message, StringComparison.Ordinal);
        Assert.Contains("missing", unknown.Message, StringComparison.Ordinal);
    }

    internal static IDurableClient ClientOf(DurableJobHost host) =>
        new ContextImplementations.DurableClientAdapter(
            host.Services.GetRequiredService<DurableEngineHost>(),
            host.Services.GetRequiredService<Http.HttpManagementLinks>(),
            null);

    internal static async Task<DurableOrchestrationStatus> WaitForAsync(IDurableOrchestrationClient client, string id, Func<DurableOrchestrationStatus, bool> condition)
    {
        using CancellationTokenSource deadline = new(TimeSpan.FromSeconds(20));
        while (true)
        {
            DurableOrchestrationStatus? status = await client.GetStatusAsync(id);
            if (status is not null && condition(status))
            {
                return status;
            }

            if (status?.RuntimeStatus is OrchestrationRuntimeStatus.Failed)
            {
                Assert.Fail($"Instance {id} failed: {status.Output}");
            }

            await Task.Delay(50, deadline.Token);
        }
    }
}
