using Durable.Core.Client;
using Durable.Core.Storage;
using Durable.Core.Storage.InMemory;
using Durable.Core.Tests.Fakes;

namespace Durable.Core.Tests.Engine;

/// <summary>
/// A running host that takes an event for an instance waiting between episodes leases the instance in the same write and
/// runs the episode the event wakes at once, without a lease call; an instance whose episode runs meanwhile gets the event
/// after it.
/// </summary>
public sealed class LeasedEventTests
{
    [Fact]
    public async Task RaiseEvent_InstanceWaiting_ItsEpisodeRunsWithoutALease()
    {
        // Arrange: an instance started and waiting for the event (its first episode ran on the leased start).
        CountingStore store = null!;
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f.AddOrchestrator("Waiter", ctx => ctx.WaitForExternalEvent<string>("Go")),
            t => store = new CountingStore(new InMemoryOrchestrationStore(t)));
        string id = await harness.Client.StartNewAsync("Waiter", null, null);
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Running);
        await harness.WaitForNoEpisodeAsync();

        // Act
        EnqueueResult result = await harness.Client.RaiseEventAsync(id, "Go", "went", maxEvents: 4);
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert
        Assert.Equal(EnqueueResult.Accepted, result);
        Assert.Equal("went", (string?)status.Output);
        Assert.Equal((0, 1, 2), (store.OrchestrationLeases, store.LeasedEvents, store.OrchestrationCommits));
    }

    [Fact]
    public async Task RaiseEvent_DuringAnEpisodeOfThatInstance_DeliveredByTheNextLease()
    {
        // Arrange: the first episode's activity waits until the event was raised, so the instance is leased meanwhile.
        TaskCompletionSource raised = new(TaskCreationOptions.RunContinuationsAsynchronously);
        CountingStore store = null!;
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
            t => store = new CountingStore(new InMemoryOrchestrationStore(t)));
        string id = await harness.Client.StartNewAsync("Waiter", null, null);

        // Act
        EnqueueResult result = await harness.Client.RaiseEventAsync(id, "Go", "went", maxEvents: 4);
        raised.SetResult();
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert: stored as an event for the episode running here (no other host woken), which a lease then brought.
        Assert.Equal(EnqueueResult.Accepted, result);
        Assert.Equal("went", (string?)status.Output);
        Assert.Equal((0, 1), (store.LeasedEvents, store.EventsForOwnEpisode));
        Assert.True(store.OrchestrationLeases >= 1);
    }

    [Fact]
    public async Task RaiseEvent_EngineNotRunning_StoredFreeForAnyHost()
    {
        // Arrange
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f.AddOrchestrator("Waiter", ctx => ctx.WaitForExternalEvent<string>("Go")),
            t => new InMemoryOrchestrationStore(t),
            startEngine: false);
        string id = await harness.Client.StartNewAsync("Waiter", null, null);

        // Act
        EnqueueResult result = await harness.Client.RaiseEventAsync(id, "Go", "went", maxEvents: 4);
        OrchestrationWorkItem? leased = await harness.Store.LeaseOrchestrationAsync("another-host", TimeSpan.FromSeconds(30), 10, CancellationToken.None);

        // Assert: nothing holds it, so another host takes the start and the event together.
        Assert.Equal(EnqueueResult.Accepted, result);
        Assert.Equal(id, leased?.Instance.InstanceId);
        Assert.Equal(2, leased?.Messages.Count);
    }
}
