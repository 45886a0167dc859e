using System.Diagnostics;
using SpanContext = System.Diagnostics.ActivityContext;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Core.Diagnostics;

/// <summary>Spans and measurements around work items.</summary>
public sealed partial class DurableTelemetry
{
    /// <summary>
    /// Opens the span and clock of one orchestration episode, in the trace stored on the instance's start event, and
    /// records what the leased messages tell: timers' lateness, redelivery, one child span per raised event (linked to
    /// the raiser's span).
    /// </summary>
    internal EpisodeScope StartEpisode(OrchestrationWorkItem workItem, DateTimeOffset now)
    {
        InstanceRecord instance = workItem.Instance;
        int attempt = 0;
        foreach (OrchestrationMessage message in workItem.Messages)
        {
            attempt = Math.Max(attempt, message.DequeueCount);
            if (message.Event.EventType == EventType.TimerFired && message.DequeueCount == 1)
            {
                this.TimerLateness.Record(Math.Max(0, (now - message.VisibleTime).TotalSeconds));
            }
        }

        if (attempt > 1)
        {
            this.Redelivered.Add(1, new KeyValuePair<string, object?>("kind", "orchestration"));
        }

        Activity? span = null;
        if (DurableDiagnostics.Source.HasListeners())
        {
            SpanContext parent = TraceParent.Parse(StartTraceParent(workItem.History, workItem.Messages));

            // An untraced instance starts a trace of its own, never under whatever span the dispatcher's context carried
            // (the engine may have been started from inside a request).
            Activity.Current = null;
            span = DurableDiagnostics.Source.StartActivity(ActivityKind.Server, parent, Tags(instance.InstanceId, instance.Name), name: "orchestration:" + instance.Name);
            span?.SetTag("durable.attempt", attempt);
            if (span is not null)
            {
                EventSpans(workItem, span);
            }
        }

        return new EpisodeScope(this, workItem, span);
    }

    /// <summary>Opens the span and clock of one activity execution under <paramref name="parent"/> (see <see cref="FindActivityParentAsync"/>).</summary>
    internal ActivityScope StartActivity(ActivityWorkItem workItem, SpanContext parent) =>
        this.StartActivity(workItem.Task, workItem.DequeueCount, parent, inline: false);

    /// <summary>
    /// Opens the span and clock of an activity that the episode scheduling it runs itself (<see cref="Dispatch.InlineActivities"/>,
    /// always its first attempt): a child of that episode's span, which is current.
    /// </summary>
    internal ActivityScope StartInlineActivity(NewActivityTask task) =>
        this.StartActivity(task, attempt: 1, Activity.Current?.Context ?? default, inline: true);

    private ActivityScope StartActivity(NewActivityTask task, int attempt, SpanContext parent, bool inline)
    {
        if (attempt > 1)
        {
            this.Redelivered.Add(1, new KeyValuePair<string, object?>("kind", "activity"));
        }

        Activity.Current = null;
        Activity? span = DurableDiagnostics.Source.StartActivity(ActivityKind.Server, parent, Tags(task.InstanceId, task.Name), name: "activity:" + task.Name);
        span?.SetTag("durable.attempt", attempt);
        if (inline)
        {
            span?.SetTag("durable.inline", true);
        }

        return new ActivityScope(this, task.Name, span);
    }

    /// <summary>A poison work item given up on.</summary>
    internal void RecordParked(string kind) => this.Parked.Add(1, new KeyValuePair<string, object?>("kind", kind));

    private static void EventSpans(OrchestrationWorkItem workItem, Activity episode)
    {
        foreach (OrchestrationMessage message in workItem.Messages)
        {
            HistoryEvent e = message.Event;
            if (e.EventType != EventType.EventRaised)
            {
                continue;
            }

            // From when it was raised to when the episode took it: the wait in the inbox. Linked to the raiser (the
            // raiseEvent HTTP request's trace), so both traces lead to each other.
            SpanContext raiser = TraceParent.Parse(e.TraceParent);
            ActivityLink[]? links = raiser == default ? null : [new ActivityLink(raiser)];
            using Activity? span = DurableDiagnostics.Source.StartActivity(
                "orchestration_event:" + e.Name,
                ActivityKind.Consumer,
                episode.Context,
                [new("durable.instance_id", message.InstanceId), new("durable.event_name", e.Name)],
                links,
                e.Timestamp);
        }
    }
}
