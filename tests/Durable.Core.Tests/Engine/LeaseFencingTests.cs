using Durable.Core.Client;
using Durable.Core.History;
using Durable.Core.Storage.InMemory;
using Durable.Core.Tests.Fakes;

namespace Durable.Core.Tests.Engine;

/// <summary>
/// An episode's commit meets a store outage longer than its lease and is kept for retry. It must never land late: not
/// beside the same host's next lease of the instance (the dispatcher skips what it still runs), and not on a lease
/// taken after it (each lease has its own token). Otherwise the instance records its start and its activity twice.
/// </summary>
public sealed class LeaseFencingTests
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Commit_KeptPastItsLease_NeverLandsOnTheSameHostsNextLease()
    {
        // Arrange: the first episode's commit (and its renewals) are refused, as by a full disk; the rest goes through.
        int sends = 0;
        OutageStore store = null!;
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f
                .AddOrchestrator("Sender", ctx => ctx.CallActivityAsync<string>("Send", null))
                .AddActivity<object, string>("Send", (_, _) =>
                {
                    Interlocked.Increment(ref sends);
                    return Task.FromResult("sent");
                }),
            t => store = new OutageStore(new InMemoryOrchestrationStore(t)) { Down = true },
            configure: o =>
            {
                o.LeaseDuration = LeaseDuration;

                // The activity queue's result commit is the one held below.
                o.InlineActivities = false;
            });
        string id = await harness.Client.StartNewAsync("Sender", null, null);
        await WaitUntilAsync(() => store.Refused >= 1, "the first commit was refused");

        // Act 1: its lease lapses. The episode is redone under a new lease of the same host, which stores its step, and
        // the activity's result comes back; that commit is held while its (third) lease is live.
        harness.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        await store.ResultCommitHeld.WaitAsync(TimeSpan.FromSeconds(10));

        // Act 2: the first commit could land now; time moves on far enough for any kept retry of it to fire.
        int commitsBefore = store.Commits;
        store.Down = false;
        harness.Time.Advance(TimeSpan.FromSeconds(6));
        await WaitUntilAsync(() => store.Commits > commitsBefore, "a kept commit was retried", mustHappen: false);
        store.ReleaseResultCommit();

        // Assert: every step once, the activity once, the right output.
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.Equal("sent", (string?)status.Output);
        Assert.Equal(1, Volatile.Read(ref sends));
        Assert.Equal(3, store.Leases);
        IReadOnlyList<HistoryEvent> history = await harness.Store.GetHistoryAsync(id, CancellationToken.None);
        foreach (EventType step in new[] { EventType.ExecutionStarted, EventType.TaskScheduled, EventType.TaskCompleted, EventType.ExecutionCompleted })
        {
            Assert.Single(history, e => e.EventType == step);
        }
    }

    /// <summary>Polls (bounded) until <paramref name="condition"/>; throws unless <paramref name="mustHappen"/> is false.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, string what, bool mustHappen = true)
    {
        TimeSpan limit = mustHappen ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(1);
        using CancellationTokenSource timeout = new(limit);
        while (!condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.False(mustHappen, $"Timed out waiting until {what}.");
                return;
            }

            await Task.Delay(5, CancellationToken.None);
        }
    }
}
