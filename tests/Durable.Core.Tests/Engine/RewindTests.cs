using Durable.Core.Client;
using Durable.Core.History;
using Durable.Core.Storage;
using Durable.Sqlite;
using Durable.Testing;

namespace Durable.Core.Tests.Engine;

/// <summary>Rewind of a Failed instance, as Durable Functions does it: the failed step runs again, the rest is kept.</summary>
public sealed class RewindTests : IDisposable
{
    private readonly TempDatabaseFile database = new("durable-rewind");

    [Fact]
    public async Task RewindAsync_FailedActivity_RerunsOnlyTheFailedStepAndCompletes()
    {
        // Arrange: the second activity fails once, which fails the instance.
        int firstCalls = 0;
        int flakyCalls = 0;
        await using EngineHarness harness = await EngineHarness.StartAsync(f => Register(f, () => Interlocked.Increment(ref firstCalls), () => Interlocked.Increment(ref flakyCalls)));
        string id = await harness.Client.StartNewAsync("TwoSteps", null, 5);
        OrchestrationMetadata failed = await harness.WaitForStatusAsync(id, OrchestrationStatus.Failed);
        HistoryEvent firstResult = failed.History!.Single(e => e.EventType == EventType.TaskCompleted);

        // Act
        EnqueueResult result = await harness.Client.RewindAsync(id, "fixed the SMS gateway");
        OrchestrationMetadata completed = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert: only the failed activity ran again; the earlier result and the start are kept as they were.
        Assert.Equal(EnqueueResult.Accepted, result);
        Assert.Equal(15, (int)completed.Output!);
        Assert.Equal(1, firstCalls);
        Assert.Equal(2, flakyCalls);
        IReadOnlyList<HistoryEvent> history = completed.History!;
        Assert.Equal(Started(failed.History!).Timestamp, Started(history).Timestamp);
        Assert.Contains(firstResult, history);
        Assert.DoesNotContain(history, e => e.EventType == EventType.TaskFailed);
        Assert.Equal("fixed the SMS gateway", history.Single(e => e.EventType == EventType.ExecutionRewound).Reason);
        Assert.Equal(OrchestrationStatus.Completed, history.Last(e => e.EventType == EventType.ExecutionCompleted).OrchestrationStatus);
    }

    [Fact]
    public async Task RewindAsync_OnSqlite_RerunsFailedStepAndCompletes()
    {
        // Arrange
        int flakyCalls = 0;
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => Register(f, () => 1, () => Interlocked.Increment(ref flakyCalls)),
            t => new SqliteOrchestrationStore(new SqliteStoreOptions { DatabasePath = this.database.Path, HubName = "RewindHub" }, t));
        string id = await harness.Client.StartNewAsync("TwoSteps", null, 5);
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Failed);

        // Act
        await harness.Client.RewindAsync(id, null);
        OrchestrationMetadata completed = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert
        Assert.Equal(15, (int)completed.Output!);
        Assert.Equal(2, flakyCalls);
    }

    [Fact]
    public async Task RewindAsync_CompletedInstance_GoneAndUnchanged()
    {
        // Arrange
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f.AddOrchestrator("Done", _ => Task.FromResult(1)));
        string id = await harness.Client.StartNewAsync("Done", null, null);
        OrchestrationMetadata before = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Act
        EnqueueResult result = await harness.Client.RewindAsync(id, "no");

        // Assert
        Assert.Equal(EnqueueResult.Gone, result);
        OrchestrationMetadata after = (await harness.Client.GetStatusAsync(id, showHistory: true))!;
        Assert.Equal(OrchestrationStatus.Completed, after.RuntimeStatus);
        Assert.Equal(before.History!, after.History!);
    }

    [Fact]
    public async Task RewindAsync_UnknownInstance_NotFound()
    {
        // Arrange
        await using EngineHarness harness = await EngineHarness.StartAsync(_ => { });

        // Act
        EnqueueResult result = await harness.Client.RewindAsync("nobody", null);

        // Assert
        Assert.Equal(EnqueueResult.NotFound, result);
    }

    [Fact]
    public async Task RewindAsync_RunningInstance_ThrowsInvalidOperation()
    {
        // Arrange
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f.AddOrchestrator("Waits", async ctx => await ctx.WaitForExternalEvent<int>("go")));
        string id = await harness.Client.StartNewAsync("Waits", null, null);
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Running);

        // Act
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Client.RewindAsync(id, null));

        // Assert
        Assert.Contains("Failed", error.Message);
    }

    [Fact]
    public async Task RewindAsync_FailedSubOrchestration_ChildRunsAgainAndParentCompletes()
    {
        // Arrange: the child fails on its first run, which fails the parent.
        int childRuns = 0;
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Parent", ctx => ctx.CallSubOrchestratorAsync<int>("Child", "child-of-parent", 4))
            .AddOrchestrator("Child", async ctx => await ctx.CallActivityAsync<int>("Double", ctx.GetInput<int>()))
            .AddActivity<int, int>("Double", (i, _) => Interlocked.Increment(ref childRuns) == 1 ? throw new InvalidOperationException("first run fails") : Task.FromResult(i * 2)));
        string id = await harness.Client.StartNewAsync("Parent", "parent", null);
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Failed);

        // Act
        await harness.Client.RewindAsync(id, "again");
        OrchestrationMetadata completed = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert
        Assert.Equal(8, (int)completed.Output!);
        Assert.Equal(2, childRuns);
        HistoryEvent answer = completed.History!.Single(e => e.EventType == EventType.SubOrchestrationInstanceCompleted);
        Assert.Equal("child-of-parent", completed.History!.First(e => e.EventType == EventType.SubOrchestrationInstanceCreated && e.EventId == answer.TaskScheduledId).InstanceId);
    }

    public void Dispose() => this.database.Dispose();

    private static HistoryEvent Started(IReadOnlyList<HistoryEvent> history) => history.First(e => e.EventType == EventType.ExecutionStarted);

    private static void Register(FunctionRegistry functions, Func<int> first, Func<int> flaky) => functions
        .AddOrchestrator("TwoSteps", async ctx =>
        {
            int input = ctx.GetInput<int>();
            int a = await ctx.CallActivityAsync<int>("First", input);
            int b = await ctx.CallActivityAsync<int>("Flaky", input);
            return a + b;
        })
        .AddActivity<int, int>("First", (i, _) =>
        {
            first();
            return Task.FromResult(i);
        })
        .AddActivity<int, int>("Flaky", (i, _) => flaky() == 1 ? throw new InvalidOperationException("SMS gateway down") : Task.FromResult(i * 2));
}
