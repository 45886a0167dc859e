namespace Durable.Core.Tests.Engine;

/// <summary>Replay checks recorded actions against what the code does now.</summary>
public sealed class DeterminismTests
{
    [Fact]
    public async Task Replay_CodeSchedulesDifferentActivity_FailsNamingExpectedAndActual()
    {
        // Arrange: version 1 calls "Old" and then waits.
        bool useNewCode = false;
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Changing", async ctx =>
            {
                await ctx.CallActivityAsync<int>(useNewCode ? "New" : "Old", null);
                return await ctx.WaitForExternalEvent<string>("go");
            })
            .AddActivity<object, int>("Old", (_, _) => Task.FromResult(1))
            .AddActivity<object, int>("New", (_, _) => Task.FromResult(2)));
        string id = await harness.Client.StartNewAsync("Changing", null, null);
        await harness.WaitForHistoryAsync(id, "TaskCompleted");

        // Act: deploy "version 2" while the instance waits, then wake it.
        useNewCode = true;
        await harness.Client.RaiseEventAsync(id, "go", "now");

        // Assert
        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Failed);
        string output = (string)status.Output!;
        Assert.Contains("Non-deterministic", output);
        Assert.Contains("TaskScheduled #0 'Old'", output);
        Assert.Contains("TaskScheduled #0 'New'", output);
    }

    [Fact]
    public async Task Replay_CodeNoLongerSchedulesRecordedTimer_Fails()
    {
        bool skipTimer = false;
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Timerless", async ctx =>
            {
                if (!skipTimer)
                {
                    await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddSeconds(1), true, CancellationToken.None);
                }

                return await ctx.WaitForExternalEvent<string>("go");
            }));
        string id = await harness.Client.StartNewAsync("Timerless", null, null);
        await harness.WaitForHistoryAsync(id, "TimerCreated");
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        await harness.WaitForHistoryAsync(id, "TimerFired");

        skipTimer = true;
        await harness.Client.RaiseEventAsync(id, "go", "now");

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Failed);
        Assert.Contains("TimerCreated #0", (string?)status.Output);
        Assert.Contains("did not schedule it", (string?)status.Output);
    }

    [Fact]
    public async Task Orchestrator_AwaitsNonDurableTask_FailsWithClearMessage()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Escapes", async ctx =>
            {
                await Task.Delay(TimeSpan.FromMinutes(1));
                return 1;
            }));

        string id = await harness.Client.StartNewAsync("Escapes", null, null);

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Failed);
        Assert.Contains("awaited a task that was not created by its orchestration context", (string?)status.Output);
    }
}
