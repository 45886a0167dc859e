using Durable.Core.Client;
using Durable.Core.History;
using Durable.Core.Storage.InMemory;
using Durable.Core.Tests.Fakes;
using Durable.Testing;

namespace Durable.Core.Tests.Engine;

/// <summary>
/// An episode runs the activities it schedules itself (<see cref="DurableEngineOptions.InlineActivities"/>) and commits
/// their results with its own, within the host's activity concurrency, one at a time or all at once, failures included.
/// </summary>
public sealed class InlineActivityTests
{
    [Theory]
    [InlineData(true, 1, 0)]
    [InlineData(false, 2, 1)]
    public async Task CallActivity_Inline_OneEpisodeCommitStoresTheScheduleAndTheResult(bool inlineActivities, int episodeCommits, int activityCommits)
    {
        // Arrange
        CountingStore store = null!;
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f
                .AddOrchestrator("Sender", ctx => ctx.CallActivityAsync<string>("Send", "+14255550100"))
                .AddActivity<string, string>("Send", (phone, _) => Task.FromResult("sent to " + phone)),
            t => store = new CountingStore(new InMemoryOrchestrationStore(t)),
            configure: o => o.InlineActivities = inlineActivities);

        // Act
        string id = await harness.Client.StartNewAsync("Sender", null, null);
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert: the same history either way, in fewer commits inline.
        Assert.Equal("sent to +14255550100", (string?)status.Output);
        Assert.Equal((episodeCommits, activityCommits), (store.OrchestrationCommits, store.ActivityCommits));
        IReadOnlyList<HistoryEvent> history = await harness.Store.GetHistoryAsync(id, CancellationToken.None);
        Assert.Equal(
            [EventType.OrchestratorStarted, EventType.ExecutionStarted, EventType.TaskScheduled, EventType.OrchestratorCompleted,
             EventType.OrchestratorStarted, EventType.TaskCompleted, EventType.ExecutionCompleted, EventType.OrchestratorCompleted],
            history.Select(e => e.EventType));
    }

    [Theory]
    [InlineData(3, 1, 0)]
    [InlineData(10, 2, 1)]
    public async Task Chain_Inline_StepsRunInOneEpisodeUpToEightThenTheNextEpisodeGoesOn(int steps, int episodeCommits, int activityCommits)
    {
        // Arrange: each step's input is the previous step's result.
        CountingStore store = null!;
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f
                .AddOrchestrator("Chain", async ctx =>
                {
                    int value = 0;
                    for (int i = 0; i < steps; i++)
                    {
                        value = await ctx.CallActivityAsync<int>("AddOne", value);
                    }

                    return value;
                })
                .AddActivity<int, int>("AddOne", (value, _) => Task.FromResult(value + 1)),
            t => store = new CountingStore(new InMemoryOrchestrationStore(t)));

        // Act
        string id = await harness.Client.StartNewAsync("Chain", null, null);
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert: eight steps in the first episode; the ninth through the queue, and its episode runs the tenth.
        Assert.Equal(steps, (int)status.Output!);
        Assert.Equal((episodeCommits, activityCommits), (store.OrchestrationCommits, store.ActivityCommits));
        IReadOnlyList<HistoryEvent> history = await harness.Store.GetHistoryAsync(id, CancellationToken.None);
        Assert.Equal(steps, history.Count(e => e.EventType == EventType.TaskScheduled));
        Assert.Equal(steps, history.Count(e => e.EventType == EventType.TaskCompleted));
    }

    [Fact]
    public async Task FanOut_Inline_ActivitiesOfOneEpisodeRunAtOnce()
    {
        // Arrange: each activity waits until all three have started, which never happens if they run one after another.
        CountingStore store = null!;
        int started = 0;
        TaskCompletionSource allStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f
                .AddOrchestrator("FanOut", async ctx =>
                {
                    int[] parts = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => ctx.CallActivityAsync<int>("Part", i)));
                    return parts.Sum();
                })
                .AddActivity<int, int>("Part", async (i, _) =>
                {
                    if (Interlocked.Increment(ref started) == 3)
                    {
                        allStarted.SetResult();
                    }

                    await allStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
                    return i * 10;
                }),
            t => store = new CountingStore(new InMemoryOrchestrationStore(t)));

        // Act
        string id = await harness.Client.StartNewAsync("FanOut", null, null);
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert
        Assert.Equal(60, (int)status.Output!);
        Assert.Equal((1, 0), (store.OrchestrationCommits, store.ActivityCommits));
    }

    [Fact]
    public async Task FanOut_MoreActivitiesThanSlots_TheRestGoToTheQueueAndTheLimitHoldsForBoth()
    {
        // Arrange: one activity slot for the host, four activities scheduled at once.
        CountingStore store = null!;
        int running = 0;
        int mostAtOnce = 0;
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f
                .AddOrchestrator("FanOut", async ctx =>
                {
                    int[] parts = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => ctx.CallActivityAsync<int>("Part", i)));
                    return parts.Sum();
                })
                .AddActivity<int, int>("Part", async (i, _) =>
                {
                    int now = Interlocked.Increment(ref running);
                    InterlockedMax(ref mostAtOnce, now);
                    await Task.Delay(20);
                    Interlocked.Decrement(ref running);
                    return i;
                }),
            t => store = new CountingStore(new InMemoryOrchestrationStore(t)),
            configure: o => o.MaxConcurrentActivityFunctions = 1);

        // Act
        string id = await harness.Client.StartNewAsync("FanOut", null, null);
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert: one ran inside the episode, three through the queue, never two at once.
        Assert.Equal(10, (int)status.Output!);
        Assert.Equal(3, store.ActivityCommits);
        Assert.Equal(1, Volatile.Read(ref mostAtOnce));
    }

    [Fact]
    public async Task CallActivity_InlineActivityThrowsOrIsMissing_OrchestratorSeesTaskFailed()
    {
        // Arrange
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Caller", async ctx =>
            {
                List<string> seen = [];
                foreach (string name in new[] { "Throws", "Missing" })
                {
                    try
                    {
                        await ctx.CallActivityAsync<string>(name, null);
                    }
                    catch (TaskFailedException e)
                    {
                        seen.Add($"{name}: {e.ErrorType}: {e.Message}");
                    }
                }

                return string.Join(" | ", seen);
            })
            .AddActivity<object, string>("Throws", (_, _) => throw new InvalidOperationException("boom")));

        // Act
        string id = await harness.Client.StartNewAsync("Caller", null, null);
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert
        string output = (string)status.Output!;
        Assert.Matches("^Throws: System.InvalidOperationException: .*failed: boom \\| Missing: System.InvalidOperationException: .*failed: The function 'Missing' doesn't exist", output);
    }

    [Fact]
    public async Task CallActivity_InlineActivityOutlivesTheLease_LeaseRenewedAndItRunsOnce()
    {
        // Arrange: an activity that runs for three lease durations on the engine's clock.
        TimeSpan lease = TimeSpan.FromSeconds(30);
        int runs = 0;
        TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource running = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f
                .AddOrchestrator("Slow", ctx => ctx.CallActivityAsync<string>("Work", null))
                .AddActivity<object, string>("Work", async (_, _) =>
                {
                    Interlocked.Increment(ref runs);
                    running.TrySetResult();
                    await release.Task;
                    return "done";
                }),
            t => new InMemoryOrchestrationStore(t),
            configure: o => o.LeaseDuration = lease);
        string id = await harness.Client.StartNewAsync("Slow", null, null);
        await running.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Act: time passes in steps shorter than the lease, each giving the renewal its turn.
        for (int step = 0; step < 9; step++)
        {
            harness.Time.Advance(lease / 3);
            await Task.Delay(20);
        }

        release.SetResult();
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert: the episode kept its lease, so its commit landed and nobody ran the activity again.
        Assert.Equal("done", (string?)status.Output);
        Assert.Equal(1, Volatile.Read(ref runs));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is int seen && seen != current)
        {
            current = seen;
        }
    }
}
