using Durable.Core.History;

namespace Durable.Core.Tests.Engine;

/// <summary>Durable timers: a cancelled one releases the instance, an uncancelled one holds it open.</summary>
public sealed class TimerTests
{
    [Fact]
    public async Task CreateTimer_CancelledBeforeReturn_InstanceCompletesAtOnce()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Cancelled", async ctx =>
            {
                using CancellationTokenSource cts = new();
                _ = ctx.CreateTimer(ctx.CurrentUtcDateTime.AddHours(1), true, cts.Token);
                await ctx.CallActivityAsync<int>("Noop", null);
                cts.Cancel();
                return "done";
            })
            .AddActivity<object, int>("Noop", (_, _) => Task.FromResult(0)));

        string id = await harness.Client.StartNewAsync("Cancelled", null, null);

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.Equal("done", (string?)status.Output);
    }

    [Fact]
    public async Task CreateTimer_NotCancelled_InstanceStaysRunningUntilTimerFires()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Forgotten", async ctx =>
            {
                _ = ctx.CreateTimer(ctx.CurrentUtcDateTime.AddHours(1), true, CancellationToken.None);
                await ctx.CallActivityAsync<int>("Noop", null);
                return "done";
            })
            .AddActivity<object, int>("Noop", (_, _) => Task.FromResult(0)));

        string id = await harness.Client.StartNewAsync("Forgotten", null, null);
        await harness.WaitForHistoryAsync(id, "TaskCompleted");

        // The function has returned, but the open timer keeps the instance Running.
        await harness.WaitForAsync(id, s => s.History!.Count(e => e.EventType == EventType.TaskCompleted) == 1, "past its activity");
        Assert.Equal(OrchestrationStatus.Running, (await harness.Client.GetStatusAsync(id))!.RuntimeStatus);

        harness.Time.Advance(TimeSpan.FromHours(1));
        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.Equal("done", (string?)status.Output);
    }

    [Fact]
    public async Task CreateTimer_Fires_CurrentUtcDateTimeIsTheEpisodeTimeFromHistory()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Clock", async ctx =>
            {
                DateTime before = ctx.CurrentUtcDateTime;
                await ctx.CreateTimer(before.AddMinutes(10), true, CancellationToken.None);
                return (ctx.CurrentUtcDateTime - before).TotalMinutes;
            }));

        string id = await harness.Client.StartNewAsync("Clock", null, null);
        await harness.WaitForHistoryAsync(id, "TimerCreated");
        harness.Time.Advance(TimeSpan.FromMinutes(10));

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.Equal(10.0, (double)status.Output!, precision: 3);
    }
}
