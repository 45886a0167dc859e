using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Durable.Core.Client;
using Durable.Core.Diagnostics;
using Durable.Core.History;
using Durable.Core.Storage.InMemory;

namespace Durable.Core.Tests.Engine;

/// <summary>
/// The engine's diagnostics: observers told of starts and finishes (outside the orchestrator), spans that join the trace
/// stored on the start event, and nothing stored when nothing listens.
/// </summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task Observer_InstanceRunsToCompletion_ToldOnceOfStartAndOnceOfFinishWithOutputAndHistory()
    {
        // Arrange
        RecordingObserver observer = new();
        using DurableTelemetry telemetry = new([observer]);
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f
                .AddOrchestrator("Sender", async ctx => await ctx.CallActivityAsync<string>("Send", null) + "!")
                .AddActivity<object, string>("Send", (_, _) => Task.FromResult("sent")),
            t => new InMemoryOrchestrationStore(t),
            telemetry: telemetry);

        // Act
        string id = await harness.Client.StartNewAsync("Sender", null, null);
        await harness.WaitForAsync(id, s => s.RuntimeStatus == OrchestrationStatus.Completed, "completed");
        OrchestrationFinished finished = await observer.WaitForFinishAsync();

        // Assert
        Assert.Equal([("Sender", id)], observer.Started);
        Assert.Equal((id, "Sender", OrchestrationStatus.Completed, "\"sent!\""), (finished.InstanceId, finished.Name, finished.Status, finished.Output));
        Assert.Contains(finished.History, e => e.EventType == EventType.TaskCompleted && e.Result == "\"sent\"");
        Assert.Contains(finished.History, e => e.EventType == EventType.ExecutionCompleted);
        Assert.Single(observer.Finished);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    public async Task Spans_Listened_EveryEpisodeJoinsTheTraceOfTheStartAndTheActivityHangsUnderItsEpisode(bool inlineActivities, int episodeCount)
    {
        // Arrange: a listener for the engine's source only, as a tracer provider would add.
        ConcurrentQueue<Activity> spans = new();
        using ActivityListener listener = ListenToEngineSpans(spans);
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f
                .AddOrchestrator("Sender", ctx => ctx.CallActivityAsync<string>("Send", null))
                .AddActivity<object, string>("Send", (_, _) => Task.FromResult("sent")),
            t => new InMemoryOrchestrationStore(t),
            configure: o => o.InlineActivities = inlineActivities);

        // Act
        string id = await harness.Client.StartNewAsync("Sender", null, null);
        await harness.WaitForAsync(id, s => s.RuntimeStatus == OrchestrationStatus.Completed, "completed");
        IReadOnlyList<HistoryEvent> history = await harness.Store.GetHistoryAsync(id, CancellationToken.None);

        // Assert: the start span's context is on the start event; every episode hangs under it (one when the activity ran
        // inside it, else one before and one after); the activity under the first, marked when it ran inline.
        Activity create = Assert.Single(spans, s => s.DisplayName == "create_orchestration:Sender" && Is(s, id));
        Assert.Equal($"00-{create.TraceId}-{create.SpanId}-01", history.Single(e => e.EventType == EventType.ExecutionStarted).TraceParent);
        List<Activity> episodes = [.. spans.Where(s => s.DisplayName == "orchestration:Sender" && Is(s, id))];
        Assert.Equal(episodeCount, episodes.Count);
        Assert.All(episodes, e => Assert.Equal((create.TraceId, create.SpanId), (e.TraceId, e.ParentSpanId)));
        Activity activity = Assert.Single(spans, s => s.DisplayName == "activity:Send" && Is(s, id));
        Assert.Contains(episodes, e => e.SpanId == activity.ParentSpanId);
        Assert.Equal(inlineActivities ? true : null, activity.GetTagItem("durable.inline"));
        Assert.Equal("completed", activity.GetTagItem("durable.result"));
    }

    [Fact]
    public async Task Spans_SubOrchestration_ItsEpisodesJoinTheParentsTraceUnderTheEpisodeThatStartedIt()
    {
        // Arrange
        ConcurrentQueue<Activity> spans = new();
        using ActivityListener listener = ListenToEngineSpans(spans);
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f
                .AddOrchestrator("Parent", ctx => ctx.CallSubOrchestratorAsync<string>("Child", "traced-child", "ping"))
                .AddOrchestrator("Child", ctx => Task.FromResult(ctx.GetInput<string>() + "-pong")),
            t => new InMemoryOrchestrationStore(t));

        // Act
        string id = await harness.Client.StartNewAsync("Parent", null, null);
        await harness.WaitForAsync(id, s => s.RuntimeStatus == OrchestrationStatus.Completed, "completed");

        // Assert: one trace; the child's episodes hang under the parent's episode that started the child.
        Activity create = Assert.Single(spans, s => s.DisplayName == "create_orchestration:Parent" && Is(s, id));
        Activity starter = spans.Where(s => s.DisplayName == "orchestration:Parent" && Is(s, id)).MinBy(s => s.StartTimeUtc)!;
        List<Activity> childEpisodes = [.. spans.Where(s => s.DisplayName == "orchestration:Child" && Is(s, "traced-child"))];
        Assert.NotEmpty(childEpisodes);
        Assert.All(childEpisodes, e => Assert.Equal((create.TraceId, starter.SpanId), (e.TraceId, e.ParentSpanId)));
    }

    [Fact]
    public async Task StartNew_NothingListening_StartEventStoredWithoutTraceContext()
    {
        // Arrange
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f.AddOrchestrator("Idle", _ => Task.FromResult(1)), startEngine: false, createStore: t => new InMemoryOrchestrationStore(t));

        // Act
        string id = await harness.Client.StartNewAsync("Idle", null, null);
        InMemoryOrchestrationStore store = (InMemoryOrchestrationStore)harness.Store;
        Durable.Core.Storage.OrchestrationWorkItem? item = await store.LeaseOrchestrationAsync("test", TimeSpan.FromMinutes(1), 10, new HashSet<string>(), CancellationToken.None);

        // Assert: the stored start event is exactly what it was before tracing existed.
        HistoryEvent start = Assert.Single(item!.Messages).Event;
        Assert.Null(start.TraceParent);
        Assert.DoesNotContain("TraceParent", Durable.Core.Serialization.HistoryEventJson.Serialize(start), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_EpisodeFailsEveryAttempt_RedeliveriesAbandonsAndTheParkedItemCounted()
    {
        // Arrange: an orchestrator that cannot even be invoked; three attempts allowed.
        ConcurrentQueue<(string Instrument, long Value, string? Result)> measured = new();
        using DurableTelemetry telemetry = new();
        using MeterListener listener = ListenToEngineMeasurements(telemetry, measured);
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f.AddOrchestrator("Broken", _ => Task.FromResult("never")),
            t => new InMemoryOrchestrationStore(t),
            configure: o => o.MaxDequeueCount = 3,
            orchestrators: f => new Fakes.BrokenOrchestratorInvoker(f, "Broken"),
            telemetry: telemetry);

        // Act: each failed attempt is retried after a second of fake time.
        string id = await harness.Client.StartNewAsync("Broken", null, null);
        using CancellationTokenSource limit = new(TimeSpan.FromSeconds(10));
        while ((await harness.Client.GetStatusAsync(id))?.RuntimeStatus != OrchestrationStatus.Failed)
        {
            await Task.Delay(10, limit.Token);
            harness.Time.Advance(TimeSpan.FromMilliseconds(250));
        }

        // Assert: leased three times (two redeliveries), two abandoned attempts, then parked as Failed.
        Assert.Equal(1, measured.Where(m => m.Instrument == "durable.work_items.parked").Sum(m => m.Value));
        Assert.Equal(2, measured.Where(m => m.Instrument == "durable.work_items.redelivered").Sum(m => m.Value));
        Assert.Equal(2, measured.Count(m => m.Instrument == "durable.episode.duration" && m.Result == "abandoned"));
        Assert.Equal(1, measured.Count(m => m.Instrument == "durable.episode.duration" && m.Result == "committed"));
        Assert.Equal(1, measured.Where(m => m.Instrument == "durable.orchestrations.finished").Sum(m => m.Value));
    }

    [Fact]
    public async Task Metrics_AnEventsOneWriteRefused_ItsEpisodeCountedAsInstanceChangedAndTheEventStillRuns()
    {
        // Arrange: another writer stored an event after this host's last commit of the waiting instance.
        ConcurrentQueue<(string Instrument, long Value, string? Result)> measured = new();
        using DurableTelemetry telemetry = new();
        using MeterListener listener = ListenToEngineMeasurements(telemetry, measured);
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f.AddOrchestrator("TwoAnswers", async ctx => await ctx.WaitForExternalEvent<string>("Go") + await ctx.WaitForExternalEvent<string>("Go")),
            t => new InMemoryOrchestrationStore(t),
            telemetry: telemetry);
        string id = await harness.Client.StartNewAsync("TwoAnswers", null, null);
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Running);
        await harness.WaitForNoEpisodeAsync();
        HistoryEvent elsewhere = new() { EventType = EventType.EventRaised, Name = "Go", Input = "\"x\"", Timestamp = harness.Time.GetUtcNow() };
        await harness.Store.EnqueueEventAsync(id, elsewhere, 4, CancellationToken.None);

        // Act
        await harness.Client.RaiseEventAsync(id, "Go", "y", maxEvents: 4);
        OrchestrationMetadata status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert: one episode ran on the stale copy and was refused; none was counted as abandoned.
        Assert.Equal("xy", (string?)status.Output);
        Assert.Equal(1, measured.Count(m => m.Instrument == "durable.episode.duration" && m.Result == "instance_changed"));
        Assert.Equal(0, measured.Count(m => m.Instrument == "durable.episode.duration" && m.Result == "abandoned"));
    }

    /// <summary>Records the engine's measurements: counters with their value, histograms as one each with their <c>result</c> tag.</summary>
    private static MeterListener ListenToEngineMeasurements(DurableTelemetry telemetry, ConcurrentQueue<(string Instrument, long Value, string? Result)> measured)
    {
        MeterListener listener = new()
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, telemetry.Meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measured.Enqueue((i.Name, v, null)));
        listener.SetMeasurementEventCallback<double>((i, _, tags, _) => measured.Enqueue((i.Name, 1, ResultTag(tags))));
        listener.Start();
        return listener;
    }

    private static string? ResultTag(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == "result")
            {
                return tag.Value as string;
            }
        }

        return null;
    }

    /// <summary>Records the engine's spans as they stop, as a tracer provider would listen to its source.</summary>
    private static ActivityListener ListenToEngineSpans(ConcurrentQueue<Activity> spans)
    {
        ActivityListener listener = new()
        {
            ShouldListenTo = s => s.Name == DurableDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static bool Is(Activity span, string instanceId) => (string?)span.GetTagItem("durable.instance_id") == instanceId;

    private sealed class RecordingObserver : IOrchestrationObserver
    {
        private readonly TaskCompletionSource<OrchestrationFinished> first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<(string Name, string InstanceId)> Started { get; } = new();

        public ConcurrentQueue<OrchestrationFinished> Finished { get; } = new();

        public void OnStarted(string name, string instanceId) => this.Started.Enqueue((name, instanceId));

        public void OnFinished(OrchestrationFinished finished)
        {
            this.Finished.Enqueue(finished);
            this.first.TrySetResult(finished);
        }

        /// <summary>The finish is told just after the commit that the status shows, so wait for it (bounded).</summary>
        public Task<OrchestrationFinished> WaitForFinishAsync() => this.first.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
