using Durable.Core.Client;
using Durable.Core.Storage;
using Durable.Core.Storage.InMemory;
using Durable.Core.Tests.Fakes;

namespace Durable.Core.Tests.Engine;

/// <summary>
/// A running host creates the instances its client starts leased to itself and runs their first episode at once, without
/// a lease call; a client whose engine is not running creates them free, for any host to lease.
/// </summary>
public sealed class LeasedStartTests
{
    [Fact]
    public async Task StartNew_EngineRunning_FirstEpisodeRunsWithoutALease()
    {
        // Arrange
        CountingStore store = null!;
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f.AddOrchestrator("Hello", _ => Task.FromResult("hello")),
            t => store = new CountingStore(new InMemoryOrchestrationStore(t)));

        // Act
        string id = await harness.Client.StartNewAsync("Hello", null, null);
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert
        Assert.Equal("hello", (string?)status.Output);
        Assert.Equal((0, 1), (store.OrchestrationLeases, store.OrchestrationCommits));
    }

    [Fact]
    public async Task StartNew_EngineNotRunning_CreatedFreeAndLeasedOnceItRuns()
    {
        // Arrange
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f.AddOrchestrator("Hello", _ => Task.FromResult("hello")),
            t => new InMemoryOrchestrationStore(t),
            startEngine: false);

        // Act
        string id = await harness.Client.StartNewAsync("Hello", null, null);
        OrchestrationStatus before = (await harness.Store.GetInstanceAsync(id, CancellationToken.None))!.Status;
        OrchestrationWorkItem? leased = await harness.Store.LeaseOrchestrationAsync("another-host", TimeSpan.FromSeconds(30), 10, CancellationToken.None);

        // Assert: nothing holds it, so another host can take it.
        Assert.Equal(OrchestrationStatus.Pending, before);
        Assert.Equal(id, leased?.Instance.InstanceId);
    }

    [Fact]
    public async Task StartNew_EventRaisedDuringTheFirstEpisode_DeliveredAfterIt()
    {
        // Arrange: the first episode's activity waits until the event was raised.
        TaskCompletionSource raised = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f
                .AddOrchestrator("Waiter", async ctx =>
                {
                    await ctx.CallActivityAsync<string>("Hold", null);
                    return await ctx.WaitForExternalEvent<string>("Go");
                })
                .AddActivity<string?, string>("Hold", async (_, _) =>
                {
                    await raised.Task;
                    return "held";
                }),
            t => new InMemoryOrchestrationStore(t));

        // Act
        string id = await harness.Client.StartNewAsync("Waiter", null, null);
        await harness.Client.RaiseEventAsync(id, "Go", "went");
        raised.SetResult();
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert
        Assert.Equal("went", (string?)status.Output);
    }
}
