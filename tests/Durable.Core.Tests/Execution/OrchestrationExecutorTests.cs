using Durable.Core.Execution;
using Durable.Core.History;
using static Durable.Core.Tests.Execution.LiteralHistory;

namespace Durable.Core.Tests.Execution;

/// <summary>
/// The executor on literal histories: no store, no dispatcher, no clock. Each case is the history a store
/// would hand over (past events replayed, new events seen for the first time) and the decision expected.
/// </summary>
public sealed class OrchestrationExecutorTests
{
    [Fact]
    public async Task ExecuteAsync_FirstEpisode_SchedulesTheActivityWithItsInput()
    {
        // Act
        EpisodeResult result = await RunAsync(SendThenWaitAsync, past: [], fresh: [Episode(0), Started("\"+14255550123\"")]);

        // Assert
        Assert.Equal(OrchestrationStatus.Running, result.Status);
        OrchestratorAction action = Assert.Single(result.NewActions);
        Assert.Equal(new OrchestratorAction(0, EventType.TaskScheduled, "Send", "\"+14255550123\""), action);
    }

    [Fact]
    public async Task ExecuteAsync_RecordedActivity_ReplaysItsResultWithoutSchedulingItAgain()
    {
        // Arrange
        HistoryEvent[] past = [Episode(0), Started("\"+14255550123\""), Scheduled(0, "Send", "\"+14255550123\""), EpisodeEnd()];

        // Act
        EpisodeResult waiting = await RunAsync(SendThenWaitAsync, past, fresh: [Episode(5), Completed(0, "1234")]);
        EpisodeResult answered = await RunAsync(
            SendThenWaitAsync, [.. past, Episode(5), Completed(0, "1234"), EpisodeEnd()], fresh: [Episode(9), Raised("answer", "\"1234\"")]);

        // Assert
        Assert.Equal(OrchestrationStatus.Running, waiting.Status);
        Assert.Empty(waiting.NewActions);
        Assert.Equal(OrchestrationStatus.Completed, answered.Status);
        Assert.Equal("true", answered.Output);
    }

    [Fact]
    public async Task ExecuteAsync_TimerAfterReplay_TakesItsDueTimeFromTheEpisodeStartInHistory()
    {
        // Arrange: the timer is created in the episode that began 5 s after the start.
        static async Task<object?> SendThenTimerAsync(OrchestrationContext ctx)
        {
            await ctx.CallActivityAsync<int>("Send", null);
            return await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddSeconds(90), "expired", CancellationToken.None);
        }

        HistoryEvent[] past = [Episode(0), Started(null), Scheduled(0, "Send"), EpisodeEnd()];

        // Act
        EpisodeResult result = await RunAsync(SendThenTimerAsync, past, fresh: [Episode(5), Completed(0, "1")]);

        // Assert
        OrchestratorAction timer = Assert.Single(result.NewActions);
        Assert.Equal(EventType.TimerCreated, timer.Kind);
        Assert.Equal(T0.AddSeconds(95), timer.FireAt);
    }

    [Fact]
    public async Task ExecuteAsync_CodeSchedulesAnotherActivityThanRecorded_FailsNamingBothSides()
    {
        // Arrange: history recorded "Old"; the code now calls "New".
        static async Task<object?> CallsNewAsync(OrchestrationContext ctx) => await ctx.CallActivityAsync<int>("New", null);
        HistoryEvent[] past = [Episode(0), Started(null), Scheduled(0, "Old"), EpisodeEnd()];

        // Act
        EpisodeResult result = await RunAsync(CallsNewAsync, past, fresh: [Episode(1), Completed(0, "1")]);

        // Assert
        Assert.Equal(OrchestrationStatus.Failed, result.Status);
        Assert.IsType<NonDeterministicOrchestrationException>(result.Failure);
        Assert.Contains("TaskScheduled #0 'Old'", result.Output);
        Assert.Contains("TaskScheduled #0 'New'", result.Output);
    }

    [Fact]
    public async Task ExecuteAsync_EventWhileSuspended_IsHeldUntilResumed()
    {
        // Arrange: the code already has its code (1234) and waits for an answer.
        HistoryEvent[] waiting = [Episode(0), Started(null), Scheduled(0, "Send"), EpisodeEnd(), Episode(5), Completed(0, "1234"), EpisodeEnd()];
        HistoryEvent[] suspendedWithAnswer = [Episode(6), Suspended(), Raised("answer", "\"1234\"")];

        // Act
        EpisodeResult suspended = await RunAsync(SendThenWaitAsync, waiting, suspendedWithAnswer);
        EpisodeResult resumed = await RunAsync(SendThenWaitAsync, [.. waiting, .. suspendedWithAnswer, EpisodeEnd()], fresh: [Episode(7), Resumed()]);

        // Assert: the answer is history while suspended, but the code sees it only after the resume.
        Assert.Equal(OrchestrationStatus.Suspended, suspended.Status);
        Assert.Null(suspended.Output);
        Assert.Equal(OrchestrationStatus.Completed, resumed.Status);
        Assert.Equal("true", resumed.Output);
    }

    [Fact]
    public async Task ExecuteAsync_ContinueAsNewKeepingEvents_CarriesTheUnconsumedEventsInOrder()
    {
        // Arrange: events arrive while the step runs; the code never waits for them.
        static async Task<object?> StepThenContinueAsync(OrchestrationContext ctx)
        {
            int generation = ctx.GetInput<int>();
            await ctx.CallActivityAsync<int>("Step", generation);
            ctx.ContinueAsNew(generation + 1, preserveUnprocessedEvents: true);
            return null;
        }

        HistoryEvent[] past = [Episode(0), Started("0"), Scheduled(0, "Step", "0"), EpisodeEnd()];

        // Act
        EpisodeResult result = await RunAsync(
            StepThenContinueAsync, past, fresh: [Episode(1), Raised("answer", "\"1\""), Raised("answer", "\"2\""), Completed(0, "0")]);

        // Assert
        Assert.Equal(OrchestrationStatus.ContinuedAsNew, result.Status);
        Assert.Equal("1", result.ContinueAsNewInput);
        Assert.Equal([("answer", "\"1\""), ("answer", "\"2\"")], result.CarriedEvents);
    }

    [Fact]
    public async Task ExecuteAsync_Terminated_EndsWithTheReasonAndRunsNoFurtherCode()
    {
        // Arrange
        HistoryEvent[] past = [Episode(0), Started(null), Scheduled(0, "Send"), EpisodeEnd()];

        // Act: the activity result and the answer arrive after the terminate and must not be applied.
        EpisodeResult result = await RunAsync(
            SendThenWaitAsync, past, fresh: [Episode(3), Terminated("\"stop\""), Completed(0, "1234"), Raised("answer", "\"1234\"")]);

        // Assert
        Assert.Equal(OrchestrationStatus.Terminated, result.Status);
        Assert.Equal("\"stop\"", result.Output);
        Assert.Empty(result.NewActions);
    }

    /// <summary>The sample's shape in small: send a code, wait for one answer, output whether it matched.</summary>
    private static async Task<object?> SendThenWaitAsync(OrchestrationContext ctx)
    {
        int code = await ctx.CallActivityAsync<int>("Send", ctx.GetInput<string>());
        string answer = await ctx.WaitForExternalEvent<string>("answer");
        return answer == code.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task<EpisodeResult> RunAsync(Func<OrchestrationContext, Task<object?>> body, HistoryEvent[] past, HistoryEvent[] fresh) =>
        OrchestrationExecutor.ExecuteAsync(new DelegateOrchestratorInvoker(body), "instance-1", "Orchestrator", past, fresh, CancellationToken.None);
}
