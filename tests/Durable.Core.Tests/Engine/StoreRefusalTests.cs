using Durable.Core.Client;
using Durable.Core.Storage.InMemory;
using Durable.Core.Tests.Fakes;

namespace Durable.Core.Tests.Engine;

/// <summary>
/// A store that refuses a commit (full, read-only, locked too long) wrote nothing: the work item keeps its lease and
/// its result is stored again a second later (then every 2, 4, 5 s), not held until its lease expires (30 s), not
/// re-run, and not counted against the poison cap.
/// </summary>
public sealed class StoreRefusalTests
{
    [Fact]
    public async Task Commit_RefusedOnceForEpisodeAndActivity_StoredAgainAfterOneSecondWithoutRerunningTheActivity()
    {
        // Arrange: the first episode commit and the first activity result are refused.
        List<int> attempts = [];
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f
                .AddOrchestrator("Sender", ctx => ctx.CallActivityAsync<string>("Send", null))
                .AddActivity<object, string>("Send", (_, context) =>
                {
                    lock (attempts)
                    {
                        attempts.Add(context.Attempt);
                    }

                    return Task.FromResult("sent");
                }),
            t => new RefusingCommitStore(new InMemoryOrchestrationStore(t), orchestrationRefusals: 1, activityRefusals: 1));

        // Act: time moves in steps well below the 30-second lease.
        string id = await harness.Client.StartNewAsync("Sender", null, null);
        OrchestrationMetadata? status = null;
        for (int step = 0; step < 40 && status?.RuntimeStatus != OrchestrationStatus.Completed; step++)
        {
            await Task.Delay(20);
            harness.Time.Advance(TimeSpan.FromMilliseconds(250));
            status = await harness.Client.GetStatusAsync(id, showHistory: false);
        }

        // Assert: done within 10 s of fake time; the refused result was stored again, the activity ran once.
        Assert.Equal(OrchestrationStatus.Completed, status?.RuntimeStatus);
        Assert.Equal("sent", (string?)status!.Output);
        Assert.Equal([1], attempts);
    }

    [Fact]
    public async Task Commit_RefusedLongerThanThePoisonCap_InstanceStillCompletes()
    {
        // Arrange: more refusals in a row than MaxDequeueCount allows attempts (a disk full for half a minute).
        int refusals = new DurableEngineOptions().MaxDequeueCount + 2;
        int runs = 0;
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f
                .AddOrchestrator("Sender", ctx => ctx.CallActivityAsync<string>("Send", null))
                .AddActivity<object, string>("Send", (_, _) =>
                {
                    Interlocked.Increment(ref runs);
                    return Task.FromResult("sent");
                }),
            t => new RefusingCommitStore(new InMemoryOrchestrationStore(t), orchestrationRefusals: refusals, activityRefusals: refusals));

        // Act: two minutes of fake time in quarter-second steps, far past the outage.
        string id = await harness.Client.StartNewAsync("Sender", null, null);
        OrchestrationMetadata? status = null;
        for (int step = 0; step < 480 && status?.RuntimeStatus != OrchestrationStatus.Completed; step++)
        {
            await Task.Delay(5);
            harness.Time.Advance(TimeSpan.FromMilliseconds(250));
            status = await harness.Client.GetStatusAsync(id, showHistory: false);
        }

        // Assert: the store's outage is not the work's fault: no parking, no second SMS.
        Assert.Equal(OrchestrationStatus.Completed, status?.RuntimeStatus);
        Assert.Equal("sent", (string?)status!.Output);
        Assert.Equal(1, runs);
    }
}
