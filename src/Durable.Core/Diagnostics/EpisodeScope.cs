using System.Diagnostics;
using SpanContext = System.Diagnostics.ActivityContext;
using Durable.Core.Storage;

namespace Durable.Core.Diagnostics;

/// <summary>
/// One orchestration episode being measured: its span (current while the episode runs, so the observers called at
/// completion can tag it) and clock. Ends as abandoned unless told it committed or lost its lease.
/// </summary>
internal sealed class EpisodeScope : IWorkItemScope<OrchestrationCommit>
{
    private readonly DurableTelemetry telemetry;
    private readonly OrchestrationWorkItem workItem;
    private readonly Activity? span;
    private readonly long started = Stopwatch.GetTimestamp();
    private long commitStarted;
    private string result = "abandoned";

    public EpisodeScope(DurableTelemetry telemetry, OrchestrationWorkItem workItem, Activity? span)
    {
        this.telemetry = telemetry;
        this.workItem = workItem;
        this.span = span;
    }

    /// <summary>The episode ran; its commit begins.</summary>
    public void CommitStarting(OrchestrationCommit commit)
    {
        this.commitStarted = Stopwatch.GetTimestamp();

        // Remembered before the commit, not after: once stored, an activity it schedules can be leased (and its span
        // parented) before this thread runs again. A commit that then fails leaves a parent that never committed,
        // which only means the retried activity hangs under the episode that first scheduled it.
        if (this.span is not null && commit.ActivityTasks.Count > 0)
        {
            this.telemetry.RememberEpisode(this.workItem.Instance.InstanceId, this.span.Context);
        }
    }

    /// <summary>The commit is stored.</summary>
    public void Committed(OrchestrationCommit commit)
    {
        this.result = "committed";
        this.telemetry.CommitDuration.Record(Stopwatch.GetElapsedTime(this.commitStarted).TotalSeconds, new KeyValuePair<string, object?>("kind", "orchestration"));
        if (this.span is not null)
        {
            this.span.SetTag("durable.runtime_status", commit.Status.ToString());
            if (commit.Status == OrchestrationStatus.Failed)
            {
                this.span.SetStatus(ActivityStatusCode.Error, "The orchestration failed.");
            }
        }

        if (commit.Status.IsTerminal() && !this.workItem.Instance.Status.IsTerminal())
        {
            this.span?.AddEvent(new ActivityEvent("completed"));
            this.telemetry.Finished(this.workItem, commit);
        }
    }

    /// <summary>Another worker took the lease over; nothing of this episode was stored.</summary>
    public void LeaseLost()
    {
        this.result = "lease_lost";
        this.telemetry.LeasesLost.Add(1, new KeyValuePair<string, object?>("kind", "orchestration"));
    }

    /// <summary>
    /// An episode run on this host's copy of a waiting instance for an event (one write) that the store refused: the
    /// instance had changed since. Nothing was stored, and the event is stored the usual way.
    /// </summary>
    public void InstanceChanged() => this.result = "instance_changed";

    public void Dispose()
    {
        this.telemetry.EpisodeDuration.Record(
            Stopwatch.GetElapsedTime(this.started).TotalSeconds,
            new KeyValuePair<string, object?>("durable.function_name", this.workItem.Instance.Name),
            new KeyValuePair<string, object?>("result", this.result));
        if (this.span is not null)
        {
            this.span.SetTag("durable.result", this.result);
            if (this.result is "abandoned" or "lease_lost")
            {
                this.span.SetStatus(ActivityStatusCode.Error, this.result == "lease_lost" ? "Lease lost." : "Abandoned for a retry.");
            }

            this.span.Dispose();
        }
    }
}
