using System.Collections.Concurrent;
using System.Diagnostics;
using SpanContext = System.Diagnostics.ActivityContext;
using System.Diagnostics.Metrics;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Core.Diagnostics;

/// <summary>
/// One engine's instruments (a <see cref="Meter"/> named <see cref="DurableDiagnostics.MeterName"/>), its spans, and the
/// observers it tells of starts and finishes. Counters are per engine, so two engines in one process (tests) report
/// separately to a listener that tells meters apart, and disposing the engine ends its instruments.
/// </summary>
/// <remarks>
/// Metric tags are low-cardinality (function name, status, result, kind); the instance id appears on spans only.
/// Nothing here reads payloads: no input, output, event data or code reaches a tag.
/// </remarks>
public sealed partial class DurableTelemetry : IDisposable
{
    // Remembered episode contexts (parents of the activities they scheduled); forgotten all at once past this many, so
    // memory stays bounded by a constant rather than by the number of waiting instances. A forgotten one is read back
    // from the instance's start event.
    private const int MaxRemembered = 10_000;

    private readonly Meter meter;
    private readonly IOrchestrationObserver[] observers;
    private readonly ConcurrentDictionary<string, SpanContext> lastEpisode = new(StringComparer.Ordinal);

    /// <summary>Creates the instruments.</summary>
    /// <param name="observers">Told of every start and finish this engine commits; none when null.</param>
    public DurableTelemetry(IEnumerable<IOrchestrationObserver>? observers = null)
    {
        this.observers = observers?.ToArray() ?? [];
        this.meter = new Meter(DurableDiagnostics.MeterName, typeof(DurableTelemetry).Assembly.GetName().Version?.ToString());
        this.InstancesStarted = this.meter.CreateCounter<long>("durable.orchestrations.started", "{instance}", "Instances created by this host's client.");
        this.InstancesFinished = this.meter.CreateCounter<long>("durable.orchestrations.finished", "{instance}", "Instances that reached a terminal status in an episode this host committed.");
        this.EpisodeDuration = this.meter.CreateHistogram<double>("durable.episode.duration", "s", "Orchestration episodes (lease to commit) and how long they took, by result.");
        this.ActivityDuration = this.meter.CreateHistogram<double>("durable.activity.duration", "s", "Activity executions (lease to commit) and how long they took, by result.");
        this.CommitDuration = this.meter.CreateHistogram<double>("durable.store.commit.duration", "s", "Store commits of episode and activity results, outage retries included.");
        this.TimerLateness = this.meter.CreateHistogram<double>("durable.timer.lateness", "s", "How long after its due time a durable timer reached its orchestration.");
        this.LeasesLost = this.meter.CreateCounter<long>("durable.lease.lost", "{work_item}", "Results discarded because another worker had taken over the lease.");
        this.Redelivered = this.meter.CreateCounter<long>("durable.work_items.redelivered", "{work_item}", "Work items leased again after an earlier lease ended without a commit (taken over after expiry, or retried).");
        this.Parked = this.meter.CreateCounter<long>("durable.work_items.parked", "{work_item}", "Poison work items given up on after too many attempts.");
    }

    /// <summary>This engine's meter (tests tell it apart from other engines' meters of the same name).</summary>
    internal Meter Meter => this.meter;

    internal Counter<long> InstancesStarted { get; }

    internal Counter<long> InstancesFinished { get; }

    internal Histogram<double> EpisodeDuration { get; }

    internal Histogram<double> ActivityDuration { get; }

    internal Histogram<double> CommitDuration { get; }

    internal Histogram<double> TimerLateness { get; }

    internal Counter<long> LeasesLost { get; }

    internal Counter<long> Redelivered { get; }

    internal Counter<long> Parked { get; }

    /// <inheritdoc/>
    public void Dispose() => this.meter.Dispose();

    /// <summary>The client's span for a start; its context is stored on the start event.</summary>
    internal static Activity? StartCreateSpan(string name, string instanceId) =>
        DurableDiagnostics.Source.StartActivity(ActivityKind.Producer, default, Tags(instanceId, name), name: "create_orchestration:" + name);

    /// <summary>The client's span for a raised event; its context is stored on the event and linked from the episode.</summary>
    internal static Activity? StartRaiseSpan(string instanceId, string eventName) =>
        DurableDiagnostics.Source.StartActivity(ActivityKind.Producer, default, [new("durable.instance_id", instanceId), new("durable.event_name", eventName)], name: "raise_event:" + eventName);

    /// <summary>The stored form of a span's context, or null when untraced.</summary>
    internal static string? TraceParentOf(Activity? span) => span is null ? null : TraceParent.Format(span.Context);

    /// <summary>
    /// The stored form of the running episode's span (current while the episode runs and builds its commit), or null
    /// when it is untraced: what a sub-orchestration it starts stores, so that the child's episodes join the parent's
    /// trace under the episode that started it, as in Durable Functions. Another source's span that happens to be
    /// current (a request the engine was started from) is not an episode.
    /// </summary>
    internal static string? EpisodeTraceParent() =>
        Activity.Current is { } span && span.Source == DurableDiagnostics.Source ? TraceParentOf(span) : null;

    /// <summary>A start committed by this host's client.</summary>
    internal void Started(string name, string instanceId)
    {
        this.InstancesStarted.Add(1, new KeyValuePair<string, object?>("durable.function_name", name));
        foreach (IOrchestrationObserver observer in this.observers)
        {
            Try(() => observer.OnStarted(name, instanceId));
        }
    }

    /// <summary>A terminal status committed by this host; called inside the final episode's span.</summary>
    internal void Finished(OrchestrationWorkItem workItem, OrchestrationCommit commit)
    {
        InstanceRecord instance = workItem.Instance;
        this.lastEpisode.TryRemove(instance.InstanceId, out _);
        this.InstancesFinished.Add(1, new KeyValuePair<string, object?>("durable.function_name", instance.Name), new KeyValuePair<string, object?>("durable.runtime_status", commit.Status.ToString()));
        if (this.observers.Length == 0)
        {
            return;
        }

        // After continue-as-new the commit holds the whole new history; otherwise it is appended to the old one.
        IReadOnlyList<HistoryEvent> history = commit.ExecutionId != instance.ExecutionId ? commit.NewHistory : [.. workItem.History, .. commit.NewHistory];
        OrchestrationFinished finished = new(instance.InstanceId, instance.Name, commit.Status, commit.Output, history);
        foreach (IOrchestrationObserver observer in this.observers)
        {
            Try(() => observer.OnFinished(finished));
        }
    }

    /// <summary>Remembers the episode that scheduled activities, as their parent span.</summary>
    internal void RememberEpisode(string instanceId, SpanContext context)
    {
        if (this.lastEpisode.Count >= MaxRemembered)
        {
            this.lastEpisode.Clear();
        }

        this.lastEpisode[instanceId] = context;
    }

    /// <summary>
    /// The parent of an activity's span: the episode that scheduled it when this host ran that episode, else the
    /// instance's trace read from its start event (another host, or a restart). Default (no store read) when untraced.
    /// </summary>
    internal async Task<SpanContext> FindActivityParentAsync(NewActivityTask task, IOrchestrationStore store, CancellationToken cancellationToken)
    {
        if (!DurableDiagnostics.Source.HasListeners())
        {
            return default;
        }

        if (this.lastEpisode.TryGetValue(task.InstanceId, out SpanContext known))
        {
            return known;
        }

        try
        {
            IReadOnlyList<HistoryEvent> history = await store.GetHistoryAsync(task.InstanceId, cancellationToken).ConfigureAwait(false);
            return TraceParent.Parse(StartTraceParent(history, []));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Tracing must never fail work: the span starts a trace of its own instead.
            return default;
        }
    }

    internal static KeyValuePair<string, object?>[] Tags(string instanceId, string name) =>
        [new("durable.instance_id", instanceId), new("durable.function_name", name)];

    /// <summary>The trace context stored on the instance's start event (in the history, or among the first episode's messages).</summary>
    internal static string? StartTraceParent(IReadOnlyList<HistoryEvent> history, IReadOnlyList<OrchestrationMessage> messages)
    {
        foreach (HistoryEvent e in history)
        {
            if (e.EventType == EventType.ExecutionStarted)
            {
                return e.TraceParent;
            }
        }

        foreach (OrchestrationMessage m in messages)
        {
            if (m.Event.EventType == EventType.ExecutionStarted)
            {
                return m.Event.TraceParent;
            }
        }

        return null;
    }

    private static void Try(Action action)
    {
        try
        {
            action();
        }
        catch (Exception)
        {
            // An observer's failure is its own: the change is committed, and the engine goes on.
        }
    }
}
