namespace Durable.Core.Tests.Engine;

/// <summary>Activity results, failures and retries as the orchestrator sees them.</summary>
public sealed class ActivityTests
{
    [Fact]
    public async Task CallActivityAsync_ActivityThrows_OrchestratorSeesMessageAndType()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Catcher", async ctx =>
            {
                try
                {
                    await ctx.CallActivityAsync<int>("Boom", null);
                    return "no error";
                }
                catch (TaskFailedException ex)
                {
                    return $"{ex.ErrorType}|{ex.Message}";
                }
            })
            .AddActivity<object, int>("Boom", (_, _) => throw new InvalidOperationException("Twilio said no")));

        string id = await harness.Client.StartNewAsync("Catcher", null, null);

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.Equal("System.InvalidOperationException|The activity function 'Boom' failed: Twilio said no", (string?)status.Output);
    }

    [Fact]
    public async Task CallActivityWithRetryAsync_FailsTwiceThenSucceeds_RetriesOnDurableTimers()
    {
        int calls = 0;
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Retrier", ctx => ctx.CallActivityWithRetryAsync<int>("Flaky", new RetryPolicy(TimeSpan.FromSeconds(5), 3), null))
            .AddActivity<object, int>("Flaky", (_, _) => Interlocked.Increment(ref calls) < 3 ? throw new TimeoutException("try again") : Task.FromResult(42)));

        string id = await harness.Client.StartNewAsync("Retrier", null, null);
        for (int retry = 1; retry <= 2; retry++)
        {
            await harness.WaitForHistoryAsync(id, "TimerCreated", retry);
            harness.Time.Advance(TimeSpan.FromSeconds(5));
        }

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.Equal(42, (int)status.Output!);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task CallActivityWithRetryAsync_AttemptsExhausted_InstanceFailsWithActivityMessage()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("GivesUp", ctx => ctx.CallActivityWithRetryAsync<int>("Broken", new RetryPolicy(TimeSpan.FromSeconds(1), 2), null))
            .AddActivity<object, int>("Broken", (_, _) => throw new InvalidOperationException("still broken")));

        string id = await harness.Client.StartNewAsync("GivesUp", null, null);
        await harness.WaitForHistoryAsync(id, "TimerCreated");
        harness.Time.Advance(TimeSpan.FromSeconds(1));

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Failed);
        Assert.Contains("still broken", (string?)status.Output);
    }

    [Fact]
    public async Task CallActivityAsync_ManyEpisodes_EachActivityRunsOnceNeverOnReplay()
    {
        int calls = 0;
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Chain", async ctx =>
            {
                int sum = 0;
                for (int i = 0; i < 5; i++)
                {
                    sum += await ctx.CallActivityAsync<int>("Count", i);
                }

                return sum;
            })
            .AddActivity<int, int>("Count", (i, _) =>
            {
                Interlocked.Increment(ref calls);
                return Task.FromResult(i);
            }));

        string id = await harness.Client.StartNewAsync("Chain", null, null);

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.Equal(10, (int)status.Output!);
        Assert.Equal(5, calls);
    }

    [Fact]
    public async Task CallSubOrchestratorAsync_ChildCompletes_ParentGetsItsOutput()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Parent", ctx => ctx.CallSubOrchestratorAsync<string>("Child", null, "ping"))
            .AddOrchestrator("Child", ctx => Task.FromResult(ctx.GetInput<string>() + "-pong")));

        string id = await harness.Client.StartNewAsync("Parent", null, null);

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.Equal("ping-pong", (string?)status.Output);
    }
}
