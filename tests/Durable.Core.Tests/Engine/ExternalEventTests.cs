namespace Durable.Core.Tests.Engine;

/// <summary>Event buffering, ordering and races against timers, as Durable Functions behaves.</summary>
public sealed class ExternalEventTests
{
    [Fact]
    public async Task WaitForExternalEvent_EventRaisedBeforeWait_IsKeptAndDelivered()
    {
        // Arrange: the orchestrator waits only after an activity that the test holds back.
        TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Early", async ctx =>
            {
                await ctx.CallActivityAsync<int>("Hold", null);
                return await ctx.WaitForExternalEvent<string>("Go");
            })
            .AddActivity<object, int>("Hold", async (_, _) =>
            {
                await gate.Task;
                return 0;
            }));

        // Act: raise in the same breath as the start, before the orchestrator can wait.
        string id = await harness.Client.StartNewAsync("Early", null, null);
        await harness.Client.RaiseEventAsync(id, "Go", "early bird");
        gate.SetResult();

        // Assert
        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.Equal("early bird", (string?)status.Output);
    }

    [Fact]
    public async Task WaitForExternalEvent_TwoEventsSameName_DeliveredInArrivalOrder()
    {
        TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Order", async ctx =>
            {
                await ctx.CallActivityAsync<int>("Hold", null);
                string first = await ctx.WaitForExternalEvent<string>("item");
                string second = await ctx.WaitForExternalEvent<string>("ITEM");
                return first + "," + second;
            })
            .AddActivity<object, int>("Hold", async (_, _) =>
            {
                await gate.Task;
                return 0;
            }));

        string id = await harness.Client.StartNewAsync("Order", null, null);
        await harness.Client.RaiseEventAsync(id, "item", "a");
        await harness.Client.RaiseEventAsync(id, "Item", "b");
        gate.SetResult();

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.Equal("a,b", (string?)status.Output);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WhenAny_EventRacesTimer_WinnerDecidesAndReplayAgrees(bool eventWins)
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Race", async ctx =>
            {
                using CancellationTokenSource cts = new();
                Task timer = ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMinutes(5), true, cts.Token);
                Task<string> answer = ctx.WaitForExternalEvent<string>("answer");
                Task winner = await Task.WhenAny(answer, timer);
                cts.Cancel();

                // A second activity forces one more episode, so the decision above is replayed once more.
                await ctx.CallActivityAsync<int>("Noop", null);
                return winner == answer ? "event:" + answer.Result : "timer";
            })
            .AddActivity<object, int>("Noop", (_, _) => Task.FromResult(0)));

        string id = await harness.Client.StartNewAsync("Race", null, null);
        await harness.WaitForHistoryAsync(id, "TimerCreated");
        if (eventWins)
        {
            await harness.Client.RaiseEventAsync(id, "answer", "yes");
        }
        else
        {
            harness.Time.Advance(TimeSpan.FromMinutes(6));
        }

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.Equal(eventWins ? "event:yes" : "timer", (string?)status.Output);
    }

    [Fact]
    public async Task WaitForExternalEvent_WithTimeoutAndDefault_ReturnsDefaultWhenTimerFires()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Defaulted", ctx => ctx.WaitForExternalEvent("late", TimeSpan.FromSeconds(30), "fallback", CancellationToken.None)));

        string id = await harness.Client.StartNewAsync("Defaulted", null, null);
        await harness.WaitForHistoryAsync(id, "TimerCreated");
        harness.Time.Advance(TimeSpan.FromSeconds(31));

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.Equal("fallback", (string?)status.Output);
    }

    [Fact]
    public async Task WaitForExternalEvent_WithTimeout_ThrowsTimeoutExceptionWhichFailsInstance()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Strict", ctx => ctx.WaitForExternalEvent<string>("late", TimeSpan.FromSeconds(30), CancellationToken.None)));

        string id = await harness.Client.StartNewAsync("Strict", null, null);
        await harness.WaitForHistoryAsync(id, "TimerCreated");
        harness.Time.Advance(TimeSpan.FromSeconds(31));

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Failed);
        Assert.Contains("Event late not received in 00:00:30", (string?)status.Output);
    }

    [Fact]
    public async Task WaitForExternalEvent_MoreEventsThanOneEpisodeTakes_AllDeliveredWithoutWaitingForAPoll()
    {
        // Arrange: two messages per episode at most, and a clock that never moves, so the poll never comes: only the
        // dispatcher looking again after a full episode delivers what that episode could not take.
        TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f
                .AddOrchestrator("Collect", async ctx =>
                {
                    await ctx.CallActivityAsync<int>("Hold", null);
                    List<string> got = [];
                    for (int i = 0; i < 5; i++)
                    {
                        got.Add(await ctx.WaitForExternalEvent<string>("item"));
                    }

                    return string.Join(",", got);
                })
                .AddActivity<object, int>("Hold", async (_, _) =>
                {
                    await gate.Task;
                    return 0;
                }),
            t => new Durable.Core.Storage.InMemory.InMemoryOrchestrationStore(t),
            configure: o =>
            {
                o.MaxMessagesPerEpisode = 2;

                // Through the queue, so the step that schedules the held activity is stored while the events arrive.
                o.InlineActivities = false;
            });
        string id = await harness.Client.StartNewAsync("Collect", null, null);
        await harness.WaitForHistoryAsync(id, "TaskScheduled");
        for (int i = 1; i <= 5; i++)
        {
            await harness.Client.RaiseEventAsync(id, "item", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // Act: the activity's result lands behind the five events, so episodes of two take them all in three rounds and more.
        gate.SetResult();

        // Assert
        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.Equal("1,2,3,4,5", (string?)status.Output);
    }
}
