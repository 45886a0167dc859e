using Durable.Core.Client;
using Durable.Core.Storage;
using Durable.Core.Storage.InMemory;
using Durable.Core.Tests.Fakes;

namespace Durable.Core.Tests.Engine;

/// <summary>
/// A leasing write whose outcome is unknown (the connection dropped while the server committed) may have stored a lease
/// the host never got: the host hands that lease back by its token, and the instance's work runs at once instead of
/// waiting the lease out. The clock never reaches the lease's expiry here.
/// </summary>
public sealed class UnknownLeaseTests
{
    private const string WaiterId = "waiter-1";

    [Fact]
    public async Task RaiseEvent_LeasedWritesOutcomeUnknown_ItsLeaseHandedBackAndTheEventsEpisodeRuns()
    {
        // Arrange: an instance waiting for the event.
        await using EngineHarness harness = await StartWaiterAsync();
        UnknownOutcomeStore store = (UnknownOutcomeStore)harness.Store;
        store.LoseNextLeasedEvent();

        // Act
        StoreUnavailableException error = await Assert.ThrowsAsync<StoreUnavailableException>(() => harness.Client.RaiseEventAsync(WaiterId, "Go", "went", maxEvents: 4));
        OrchestrationMetadata status = await harness.WaitForStatusAsync(WaiterId, OrchestrationStatus.Completed);

        // Assert: the caller is told the outcome is unknown; the event was stored, and its episode ran on the handed-back lease.
        Assert.True(error.OutcomeUnknown);
        Assert.Equal("went", (string?)status.Output);
        Assert.Equal(1, store.HandedBack);
    }

    [Fact]
    public async Task RaiseEvent_LeasedWritesOutcomeUnknownAndTheOutageGoesOn_HandedBackOnceTheStoreIsBack()
    {
        // Arrange
        await using EngineHarness harness = await StartWaiterAsync();
        UnknownOutcomeStore store = (UnknownOutcomeStore)harness.Store;
        store.LoseNextLeasedEvent();
        store.RefuseReleases(3);

        // Act: the hand-back is retried as the clock moves, well within the lease.
        await Assert.ThrowsAsync<StoreUnavailableException>(() => harness.Client.RaiseEventAsync(WaiterId, "Go", "went", maxEvents: 4));
        OrchestrationMetadata? status = await AdvanceUntilCompletedAsync(harness, WaiterId, TimeSpan.FromMilliseconds(250), steps: 40);

        // Assert
        Assert.Equal(OrchestrationStatus.Completed, status?.RuntimeStatus);
        Assert.Equal(1, store.HandedBack);
    }

    [Fact]
    public async Task RaiseEvent_TheHandBacksOwnAnswerLost_ItsRetryFindsNothingAndTheEpisodeRunsAllTheSame()
    {
        // Arrange: the hand-back goes through but its answer is lost; its retry then finds the lease gone. The dispatcher
        // polls no more often than every second.
        await using EngineHarness harness = await StartWaiterAsync(o => o.MinPollingInterval = TimeSpan.FromSeconds(1));
        UnknownOutcomeStore store = (UnknownOutcomeStore)harness.Store;
        store.LoseNextLeasedEvent();
        store.LoseNextReleaseAnswer();

        // Act: the clock moves to the retry, and stays short of the dispatcher's next poll (a second).
        await Assert.ThrowsAsync<StoreUnavailableException>(() => harness.Client.RaiseEventAsync(WaiterId, "Go", "went", maxEvents: 4));
        await AdvanceUntilCompletedAsync(harness, WaiterId, TimeSpan.FromMilliseconds(250), steps: 3);

        // Assert: the released instance was looked at without waiting for a poll.
        OrchestrationMetadata status = await harness.WaitForStatusAsync(WaiterId, OrchestrationStatus.Completed);
        Assert.Equal("went", (string?)status.Output);
        Assert.Equal(1, store.HandedBack);
    }

    [Fact]
    public async Task StartNew_LeasedCreatesOutcomeUnknown_ItsLeaseHandedBackAndTheFirstEpisodeRuns()
    {
        // Arrange
        UnknownOutcomeStore store = null!;
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f.AddOrchestrator("Hello", _ => Task.FromResult("hi")),
            t => store = new UnknownOutcomeStore(new InMemoryOrchestrationStore(t)));
        store.LoseNextLeasedCreate();

        // Act
        await Assert.ThrowsAsync<StoreUnavailableException>(() => harness.Client.StartNewAsync("Hello", "verify-1", null));
        OrchestrationMetadata status = await harness.WaitForStatusAsync("verify-1", OrchestrationStatus.Completed);

        // Assert
        Assert.Equal("hi", (string?)status.Output);
        Assert.Equal(1, store.HandedBack);
    }

    [Fact]
    public async Task CommitThatLeasesAgain_OutcomeUnknown_ItsLeaseHandedBackAndTheNextEpisodeRuns()
    {
        // Arrange: the event arrives while the first episode runs, so that episode's commit leases the next one; the
        // commit is stored and its answer lost. The retry of the commit then finds its own lease gone.
        TaskCompletionSource raised = new(TaskCreationOptions.RunContinuationsAsynchronously);
        UnknownOutcomeStore store = null!;
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
            t => store = new UnknownOutcomeStore(new InMemoryOrchestrationStore(t)));
        string id = await harness.Client.StartNewAsync("Waiter", null, null);
        store.LoseNextCommitThatLeases();

        // Act: the commit's retry waits a second of the clock; the clock moves in seconds, far short of the lease.
        Assert.Equal(EnqueueResult.Accepted, await harness.Client.RaiseEventAsync(id, "Go", "went", maxEvents: 4));
        raised.SetResult();
        OrchestrationMetadata? status = await AdvanceUntilCompletedAsync(harness, id, TimeSpan.FromSeconds(1), steps: 10);

        // Assert
        Assert.Equal(OrchestrationStatus.Completed, status?.RuntimeStatus);
        Assert.Equal("went", (string?)status?.Output);
        Assert.Equal(1, store.HandedBack);
    }

    /// <summary>
    /// An engine on a store that can lose answers, and instance <see cref="WaiterId"/> waiting for the event "Go" with no
    /// episode running. The event's write under test is the leasing one, so events are not answered in one write.
    /// </summary>
    private static async Task<EngineHarness> StartWaiterAsync(Action<DurableEngineOptions>? configure = null)
    {
        EngineHarness harness = await EngineHarness.StartAsync(
            f => f.AddOrchestrator("Waiter", ctx => ctx.WaitForExternalEvent<string>("Go")),
            t => new UnknownOutcomeStore(new InMemoryOrchestrationStore(t)),
            configure: o =>
            {
                o.OneWriteEvents = false;
                configure?.Invoke(o);
            });
        await harness.Client.StartNewAsync("Waiter", WaiterId, null);
        await harness.WaitForStatusAsync(WaiterId, OrchestrationStatus.Running);
        await harness.WaitForNoEpisodeAsync();
        return harness;
    }

    /// <summary>
    /// Moves the clock by <paramref name="step"/> at most <paramref name="steps"/> times, a moment apart, until the
    /// instance completes; its last status.
    /// </summary>
    private static async Task<OrchestrationMetadata?> AdvanceUntilCompletedAsync(EngineHarness harness, string instanceId, TimeSpan step, int steps)
    {
        OrchestrationMetadata? status = null;
        for (int i = 0; i < steps && status?.RuntimeStatus != OrchestrationStatus.Completed; i++)
        {
            // The moment lets whatever waits on the clock register before it moves.
            await Task.Delay(150);
            harness.Time.Advance(step);
            status = await harness.Client.GetStatusAsync(instanceId);
        }

        return status;
    }
}
