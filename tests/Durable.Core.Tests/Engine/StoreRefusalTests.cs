using Durable.Core.Client;
using Durable.Core.Storage.InMemory;
using Durable.Core.Tests.Fakes;

namespace Durable.Core.Tests.Engine;

/// <summary>
/// A store that refuses a commit (full, read-only, locked too long) wrote nothing: the work item is handed back and
/// retried a second later, not held until its lease expires (30 s).
/// </summary>
public sealed class StoreRefusalTests
{
    [Fact]
    public async Task Commit_RefusedOnceForEpisodeAndActivity_RetriedAfterOneSecondAndCompletes()
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
        OrchestrationStatus? status = null;
        for (int step = 0; step < 40 && status?.RuntimeStatus != OrchestrationRuntimeStatus.Completed; step++)
        {
            await Task.Delay(20);
            harness.Time.Advance(TimeSpan.FromMilliseconds(250));
            status = await harness.Client.GetStatusAsync(id, showHistory: false, showHistoryOutput: false);
        }

        // Assert: done within 10 s of fake time; the activity ran again (attempt 2) after its result was refused.
        Assert.Equal(OrchestrationRuntimeStatus.Completed, status?.RuntimeStatus);
        Assert.Equal("sent", (string?)status!.Output);
        Assert.Equal([1, 2], attempts);
    }
}
