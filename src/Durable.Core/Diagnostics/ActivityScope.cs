using System.Diagnostics;
using Durable.Core.History;

namespace Durable.Core.Diagnostics;

/// <summary>One activity execution being measured: its span (current while the function runs) and clock.</summary>
internal sealed class ActivityScope : IWorkItemScope<HistoryEvent>
{
    private readonly DurableTelemetry telemetry;
    private readonly string name;
    private readonly Activity? span;
    private readonly long started = Stopwatch.GetTimestamp();
    private long commitStarted;
    private string result = "released";

    public ActivityScope(DurableTelemetry telemetry, string name, Activity? span)
    {
        this.telemetry = telemetry;
        this.name = name;
        this.span = span;
    }

    /// <summary>The activity ran (or was given up on); storing its result begins.</summary>
    public void CommitStarting(HistoryEvent result) => this.commitStarted = Stopwatch.GetTimestamp();

    /// <summary>The result is stored.</summary>
    public void Committed(HistoryEvent result)
    {
        this.telemetry.CommitDuration.Record(Stopwatch.GetElapsedTime(this.commitStarted).TotalSeconds, new KeyValuePair<string, object?>("kind", "activity"));
        this.Ran(result);
    }

    /// <summary>
    /// The activity ran to <paramref name="result"/>. An activity run inside its episode ends here: its result is
    /// stored with the episode's commit, which the episode's own span and clock measure.
    /// </summary>
    public void Ran(HistoryEvent result)
    {
        bool failed = result.EventType == EventType.TaskFailed;
        this.result = failed ? "failed" : "completed";
        if (failed)
        {
            // The exception type only: a message may quote input.
            this.span?.SetStatus(ActivityStatusCode.Error, result.ErrorType);
        }
    }

    /// <summary>Another worker took the lease over; the result was discarded.</summary>
    public void LeaseLost()
    {
        this.result = "lease_lost";
        this.telemetry.LeasesLost.Add(1, new KeyValuePair<string, object?>("kind", "activity"));
    }

    public void Dispose()
    {
        this.telemetry.ActivityDuration.Record(
            Stopwatch.GetElapsedTime(this.started).TotalSeconds,
            new KeyValuePair<string, object?>("durable.function_name", this.name),
            new KeyValuePair<string, object?>("result", this.result));
        if (this.span is not null)
        {
            this.span.SetTag("durable.result", this.result);
            this.span.Dispose();
        }
    }
}
