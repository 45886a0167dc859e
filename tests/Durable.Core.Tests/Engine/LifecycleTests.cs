using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Core.Tests.Engine;

/// <summary>Client operations across an instance's life: start, terminate, suspend, continue-as-new, purge, query.</summary>
public sealed class LifecycleTests
{
    private static void RegisterWaiter(FunctionRegistry f) =>
        f.AddOrchestrator("Waiter", ctx => ctx.WaitForExternalEvent<string>("go"));

    [Fact]
    public async Task StartNewAsync_IdOfRunningInstance_ThrowsAndKeepsOriginal()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(RegisterWaiter);
        await harness.Client.StartNewAsync("Waiter", "fixed-id", "first");

        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => harness.Client.StartNewAsync("Waiter", "fixed-id", "second"));

        Assert.Equal("first", (string?)(await harness.Client.GetStatusAsync("fixed-id"))!.Input);
    }

    [Fact]
    public async Task StartNewAsync_IdOfFinishedInstance_StartsAfresh()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(RegisterWaiter);
        await harness.Client.StartNewAsync("Waiter", "again", null);
        await harness.Client.RaiseEventAsync("again", "go", "one");
        await harness.WaitForStatusAsync("again", OrchestrationStatus.Completed);

        await harness.Client.StartNewAsync("Waiter", "again", null);
        await harness.Client.RaiseEventAsync("again", "go", "two");

        var status = await harness.WaitForAsync("again", s => s.RuntimeStatus == OrchestrationStatus.Completed && (string?)s.Output == "two", "completed with the second output");
        Assert.Equal(1, status.History!.Count(e => e.EventType == EventType.ExecutionStarted));
    }

    [Theory]
    [InlineData("")]
    [InlineData("@entity")]
    [InlineData("a/b")]
    [InlineData("what?")]
    public async Task StartNewAsync_InvalidId_ThrowsArgumentException(string instanceId)
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(RegisterWaiter);

        // An empty id means "generate one"; a whitespace-only one is invalid.
        string id = instanceId.Length == 0 ? " " : instanceId;
        await Assert.ThrowsAsync<ArgumentException>(() => harness.Client.StartNewAsync("Waiter", id, null));
    }

    [Fact]
    public async Task StartNewAsync_UnknownOrchestrator_ThrowsArgumentExceptionNamingIt()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(RegisterWaiter);

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => harness.Client.StartNewAsync("Nope", null, null));
        Assert.Contains("'Nope'", error.Message);
    }

    [Fact]
    public async Task RaiseEventAsync_UnknownInstance_ReturnsNotFound()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(RegisterWaiter);

        Assert.Equal(EnqueueResult.NotFound, await harness.Client.RaiseEventAsync("missing", "go", 1));
    }

    [Fact]
    public async Task TerminateAsync_WaitingInstance_EndsTerminatedWithReasonAndRejectsLaterEvents()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(RegisterWaiter);
        string id = await harness.Client.StartNewAsync("Waiter", null, null);
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Running);

        Assert.Equal(EnqueueResult.Accepted, await harness.Client.TerminateAsync(id, "user gave up"));

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Terminated);
        Assert.Equal("user gave up", (string?)status.Output);
        Assert.Equal(EnqueueResult.Gone, await harness.Client.RaiseEventAsync(id, "go", "late"));
        Assert.Equal(EnqueueResult.Gone, await harness.Client.TerminateAsync(id, "again"));
    }

    [Fact]
    public async Task SuspendAsync_EventWhileSuspended_IsHeldUntilResume()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(RegisterWaiter);
        string id = await harness.Client.StartNewAsync("Waiter", null, null);
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Running);

        await harness.Client.SuspendAsync(id, "maintenance");
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Suspended);
        await harness.Client.RaiseEventAsync(id, "go", "held");
        await harness.WaitForHistoryAsync(id, "EventRaised");
        Assert.Equal(OrchestrationStatus.Suspended, (await harness.Client.GetStatusAsync(id))!.RuntimeStatus);
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Client.SuspendAsync(id, "twice"));

        await harness.Client.ResumeAsync(id, "done");

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.Equal("held", (string?)status.Output);
    }

    [Fact]
    public async Task ContinueAsNew_Counter_RestartsWithNewInputAndFreshHistory()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Counter", ctx =>
            {
                int n = ctx.GetInput<int>();
                if (n < 3)
                {
                    ctx.ContinueAsNew(n + 1);
                }

                return Task.FromResult(n);
            }));

        string id = await harness.Client.StartNewAsync("Counter", null, 0);

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.Equal(3, (int)status.Output!);
        Assert.Equal(3, (int)status.Input!);
        Assert.Equal(1, status.History!.Count(e => e.EventType == EventType.ExecutionStarted));
    }

    [Fact]
    public async Task PurgeAndList_FinishedInstances_AreListedByFilterAndPurged()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(RegisterWaiter);
        string done = await harness.Client.StartNewAsync("Waiter", "done-1", null);
        await harness.Client.RaiseEventAsync(done, "go", "x");
        await harness.WaitForStatusAsync(done, OrchestrationStatus.Completed);
        string waiting = await harness.Client.StartNewAsync("Waiter", "wait-1", null);
        await harness.WaitForStatusAsync(waiting, OrchestrationStatus.Running);

        var completed = await harness.Client.ListInstancesAsync(new InstanceQuery { Statuses = [OrchestrationStatus.Completed] }, showInput: false);
        Assert.Equal(["done-1"], completed.Instances.Select(i => i.InstanceId));

        Assert.Equal(0, await harness.Client.PurgeInstanceAsync(waiting));
        Assert.Equal(1, await harness.Client.PurgeInstanceAsync(done));
        Assert.Null(await harness.Client.GetStatusAsync(done));
        Assert.NotNull(await harness.Client.GetStatusAsync(waiting));
    }

    [Fact]
    public async Task NewGuid_SameEpisodeReplayed_IsDeterministic()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Guids", async ctx =>
            {
                Guid first = ctx.NewGuid();
                await ctx.CallActivityAsync<int>("Noop", null);
                return $"{first}|{ctx.NewGuid()}";
            })
            .AddActivity<object, int>("Noop", (_, _) => Task.FromResult(0)));

        string id = await harness.Client.StartNewAsync("Guids", null, null);
        string output = (string)(await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed)).Output!;

        string[] parts = output.Split('|');
        Assert.NotEqual(parts[0], parts[1]);
        Assert.Equal('5', parts[0][14]);
    }

    [Fact]
    public async Task WaitForCompletionAsync_InstanceFinishesWhileWaiting_ReturnsFinalStatus()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(RegisterWaiter);
        string id = await harness.Client.StartNewAsync("Waiter", null, null);
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Running);

        Task<Client.OrchestrationMetadata?> waiting = harness.Client.WaitForCompletionAsync(id, TimeSpan.FromMinutes(5));
        Assert.False(waiting.IsCompleted);
        await harness.Client.RaiseEventAsync(id, "go", "finished");

        Client.OrchestrationMetadata? status = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(OrchestrationStatus.Completed, status!.RuntimeStatus);
        Assert.Equal("finished", (string?)status.Output);
    }

    [Fact]
    public async Task WaitForCompletionAsync_TimeoutPasses_ReturnsRunningStatus()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(RegisterWaiter);
        string id = await harness.Client.StartNewAsync("Waiter", null, null);
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Running);

        Task<Client.OrchestrationMetadata?> waiting = harness.Client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(2));
        while (!waiting.IsCompleted)
        {
            harness.Time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(5);
        }

        Assert.Equal(OrchestrationStatus.Running, (await waiting)!.RuntimeStatus);
    }
}
