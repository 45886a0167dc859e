using Durable.Core.Client;
using Durable.Core.Storage;
using Durable.Core.Storage.InMemory;
using Durable.Core.Tests.Fakes;

namespace Durable.Core.Tests.Engine;

/// <summary>
/// A running host that takes an event for an instance waiting between episodes leases the instance in the same write and
/// runs the episode the event wakes at once, without a lease call; an instance whose episode runs meanwhile gets the event
/// after it. (Without <see cref="DurableEngineOptions.OneWriteEvents"/> where the instance rests on this host: that
/// answers such an event in its own write instead, see <see cref="OneWriteEventTests"/>.)
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
            t => store = new CountingStore(new InMemoryOrchestrationStore(t)),
            configure: o => o.OneWriteEvents = false);
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

    [Theory]
    [InlineData(4, 0)]
    [InlineData(1, 1)]
    public async Task RaiseEvent_DuringAnEpisodeOfThatInstance_ThatEpisodesCommitLeasesTheNextOne(int slots, int storedForOwnEpisode)
    {
        // Arrange: the first episode's activity waits until the event was raised, so the instance is leased meanwhile.
        TaskCompletionSource holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
                    holding.TrySetResult();
                    await raised.Task;
                    return "held";
                }),
            t => store = new CountingStore(new InMemoryOrchestrationStore(t)),
            configure: o => o.MaxConcurrentOrchestratorFunctions = slots);
        string id = await harness.Client.StartNewAsync("Waiter", null, null);

        // The first episode runs, however it got its lease: the start's own, or (one slot, taken by the dispatcher's poll
        // as the start came) the dispatcher's. Only what comes after is counted.
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(10));
        int leasesBefore = store.OrchestrationLeases;

        // Act
        EnqueueResult result = await harness.Client.RaiseEventAsync(id, "Go", "went", maxEvents: 4);
        raised.SetResult();
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert: stored while the episode held the instance (by the write that leases when it can, or, with no slot free
        // for an episode, as an event for the episode running here; no other host woken either way), and that episode's
        // commit leased the next one, which ran without a lease call.
        Assert.Equal(EnqueueResult.Accepted, result);
        Assert.Equal("went", (string?)status.Output);
        Assert.Equal((0, storedForOwnEpisode), (store.LeasedEvents, store.EventsForOwnEpisode));
        Assert.Equal((1, 0, 2), (store.ContinuedEpisodes, store.OrchestrationLeases - leasesBefore, store.OrchestrationCommits));
    }

    [Fact]
    public async Task RaiseEvent_AsAnEpisodeOfThatInstanceCommits_TheEventsWriteLeasesTheNextEpisode()
    {
        // Arrange: the event is raised right after the first episode's commit, before its work item has ended here.
        CountingStore store = null!;
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f.AddOrchestrator("Waiter", ctx => ctx.WaitForExternalEvent<string>("Go")),
            t => store = new CountingStore(new InMemoryOrchestrationStore(t)));
        int raisedOnce = 0;
        TaskCompletionSource<EnqueueResult> raised = new(TaskCreationOptions.RunContinuationsAsynchronously);
        store.AfterCommit = async item =>
        {
            if (Interlocked.Exchange(ref raisedOnce, 1) == 0)
            {
                raised.SetResult(await harness.Client.RaiseEventAsync(item.Instance.InstanceId, "Go", "went", maxEvents: 4));
            }
        };

        // Act
        string id = await harness.Client.StartNewAsync("Waiter", null, null);
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert: the event's write leased the instance the commit had released; its episode ran after the first, no lease call.
        Assert.Equal(EnqueueResult.Accepted, await raised.Task);
        Assert.Equal("went", (string?)status.Output);
        Assert.Equal((1, 0, 0, 0), (store.LeasedEvents, store.EventsForOwnEpisode, store.OrchestrationLeases, store.ContinuedEpisodes));
    }

    [Fact]
    public async Task ContinueAsNew_EachNewExecutionIsLeasedByTheCommitThatStartedIt()
    {
        // Arrange
        CountingStore store = null!;
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f.AddOrchestrator("Counter", ctx =>
            {
                int n = ctx.GetInput<int>();
                if (n < 3)
                {
                    ctx.ContinueAsNew(n + 1);
                }

                return Task.FromResult(n);
            }),
            t => store = new CountingStore(new InMemoryOrchestrationStore(t)));

        // Act
        string id = await harness.Client.StartNewAsync("Counter", null, 0);
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert: four executions, the first on the leased start, the three after it on their predecessors' commits.
        Assert.Equal(3, (int)status.Output!);
        Assert.Equal((3, 0, 4), (store.ContinuedEpisodes, store.OrchestrationLeases, store.OrchestrationCommits));
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
