using Durable.Core.Client;
using Durable.Core.History;
using Durable.Core.Storage;
using Durable.Core.Storage.InMemory;
using Durable.Core.Tests.Fakes;

namespace Durable.Core.Tests.Engine;

/// <summary>
/// An event for an instance that waits as this host's last commit left it runs its episode at once on that copy, and
/// the episode is committed in the event's own write (<see cref="DurableEngineOptions.OneWriteEvents"/>): when the raise
/// returns, the answer's effects are stored. Where the store saw the instance change, the event is stored as usual.
/// </summary>
public sealed class OneWriteEventTests
{
    [Fact]
    public async Task RaiseEvent_InstanceWaitingHere_CompletedWhenTheRaiseReturns()
    {
        // Arrange
        CountingStore store = null!;
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f.AddOrchestrator("Waiter", ctx => ctx.WaitForExternalEvent<string>("Go")),
            t => store = new CountingStore(new InMemoryOrchestrationStore(t)));
        string id = await harness.Client.StartNewAsync("Waiter", null, null);
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Running);
        await harness.WaitForNoEpisodeAsync();

        // Act
        EnqueueResult result = await harness.Client.RaiseEventAsync(id, "Go", "went", maxEvents: 4);
        OrchestrationMetadata? status = await harness.Client.GetStatusAsync(id);

        // Assert: no lease and no event row; two commits, the start's and the answer's.
        Assert.Equal(EnqueueResult.Accepted, result);
        Assert.Equal((OrchestrationStatus.Completed, "went"), (status?.RuntimeStatus, (string?)status?.Output));
        Assert.Equal((0, 0, 2), (store.OrchestrationLeases, store.LeasedEvents, store.OrchestrationCommits));
    }

    [Fact]
    public async Task RaiseEvent_AWrongAnswerThenTheRightOne_EachInOneWrite()
    {
        // Arrange: the instance keeps waiting after the first answer, and rests again as that answer's commit left it.
        CountingStore store = null!;
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f.AddOrchestrator("TwoAnswers", async ctx => await ctx.WaitForExternalEvent<string>("Go") + await ctx.WaitForExternalEvent<string>("Go")),
            t => store = new CountingStore(new InMemoryOrchestrationStore(t)));
        string id = await harness.Client.StartNewAsync("TwoAnswers", null, null);
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Running);
        await harness.WaitForNoEpisodeAsync();

        // Act
        await harness.Client.RaiseEventAsync(id, "Go", "x", maxEvents: 4);
        await harness.Client.RaiseEventAsync(id, "Go", "y", maxEvents: 4);
        OrchestrationMetadata? status = await harness.Client.GetStatusAsync(id);

        // Assert
        Assert.Equal((OrchestrationStatus.Completed, "xy"), (status?.RuntimeStatus, (string?)status?.Output));
        Assert.Equal((0, 0, 3), (store.OrchestrationLeases, store.LeasedEvents, store.OrchestrationCommits));
    }

    [Fact]
    public async Task RaiseEvent_AnotherWriterChangedTheInstance_TheEventIsStoredAndBothRunInOrder()
    {
        // Arrange: another host stored an event for the instance after this host's last commit of it.
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f.AddOrchestrator("TwoAnswers", async ctx => await ctx.WaitForExternalEvent<string>("Go") + await ctx.WaitForExternalEvent<string>("Go")),
            t => new InMemoryOrchestrationStore(t));
        string id = await harness.Client.StartNewAsync("TwoAnswers", null, null);
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Running);
        await harness.WaitForNoEpisodeAsync();
        HistoryEvent elsewhere = new() { EventType = EventType.EventRaised, Name = "Go", Input = "\"x\"", Timestamp = harness.Time.GetUtcNow() };
        Assert.Equal(EnqueueResult.Accepted, await harness.Store.EnqueueEventAsync(id, elsewhere, 4, CancellationToken.None));

        // Act
        EnqueueResult result = await harness.Client.RaiseEventAsync(id, "Go", "y", maxEvents: 4);
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert: the event stored first is taken first.
        Assert.Equal(EnqueueResult.Accepted, result);
        Assert.Equal("xy", (string?)status.Output);
    }

    [Fact]
    public async Task RaiseEvent_TheAnswerSchedulesAnActivity_TheRaiseDoesNotWaitForIt()
    {
        // Arrange
        TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f
                .AddOrchestrator("Confirm", async ctx => await ctx.CallActivityAsync<string>("Send", await ctx.WaitForExternalEvent<string>("Go")))
                .AddActivity<string?, string>("Send", async (input, _) =>
                {
                    await release.Task;
                    return "sent " + input;
                }),
            t => new InMemoryOrchestrationStore(t));
        string id = await harness.Client.StartNewAsync("Confirm", null, null);
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Running);
        await harness.WaitForNoEpisodeAsync();

        // Act: the raise returns while the activity is held.
        EnqueueResult result = await harness.Client.RaiseEventAsync(id, "Go", "went", maxEvents: 4).WaitAsync(TimeSpan.FromSeconds(10));
        release.SetResult();
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert
        Assert.Equal(EnqueueResult.Accepted, result);
        Assert.Equal("sent went", (string?)status.Output);
    }
}
