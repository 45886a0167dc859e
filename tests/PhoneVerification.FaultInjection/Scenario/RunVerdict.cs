using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PhoneVerification.FaultInjection.Infrastructure;
using PhoneVerification.FaultInjection.Stores;

namespace PhoneVerification.FaultInjection.Scenario;

/// <summary>
/// Judges a run against the crash-safety promises and counts everything it checked, so the report shows what was
/// proven and how often. <see cref="Violations"/> empty = every invariant held.
/// </summary>
internal sealed class RunVerdict
{
    /// <summary>A timer that came due while no host ran must fire this soon after the next host is ready.</summary>
    public static readonly TimeSpan TimerAfterRestartLimit = TimeSpan.FromSeconds(1);

    /// <summary>The final SIGTERM must end the host this soon (the engine's shutdown timeout is 10 s).</summary>
    public static readonly TimeSpan GracefulStopLimit = TimeSpan.FromSeconds(15);

    private readonly RunOutcome outcome;
    private readonly SortedDictionary<string, int> counts = new(StringComparer.Ordinal);
    private readonly List<string> violations = [];
    private TimeSpan maxTimerDelayAfterRestart = TimeSpan.MinValue;
    private TimeSpan maxTimerLateness = TimeSpan.Zero;

    public RunVerdict(RunOutcome outcome)
    {
        this.outcome = outcome;
        foreach (Flow flow in outcome.Plan.Flows)
        {
            this.Judge(flow);
        }

        this.Count("retried activities that asked whether their SMS had gone out", outcome.SmsLookups);
        this.JudgeStore(outcome.Store);
        this.JudgeStop();
    }

    public IReadOnlyList<string> Violations => this.violations;

    /// <summary>The counts, one per line, for the test output and the README.</summary>
    public string Report()
    {
        List<string> lines =
        [
            $"seed {this.outcome.Plan.Seed} (replay: {FaultPlan.SeedVariable}={this.outcome.Plan.Seed}), {this.outcome.Plan.Flows.Count} flows, " +
                $"{this.outcome.Kills.Count} SIGKILLs ({string.Join(", ", this.outcome.Plan.Kills.GroupBy(k => k.Kind).Select(g => $"{g.Count()} {g.Key}"))}), " +
                $"{this.outcome.Downtimes.Count} restarts, window {this.outcome.Window.TotalSeconds:0} s",
        ];
        lines.AddRange(this.counts.Select(c => $"  {c.Key}: {c.Value}"));
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"  max delay of a timer due while down, after the restart was ready: {(this.maxTimerDelayAfterRestart == TimeSpan.MinValue ? "n/a" : $"{this.maxTimerDelayAfterRestart.TotalMilliseconds:0} ms")}"));
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"  max lateness of a timer due while up: {this.maxTimerLateness.TotalMilliseconds:0} ms"));
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"  final SIGTERM: exited {this.outcome.StopExited}, code {this.outcome.StopExitCode}, in {this.outcome.StopTook.TotalMilliseconds:0} ms"));
        lines.Add($"  violations: {this.violations.Count}");
        lines.AddRange(this.violations.Select(v => "    " + v));
        return string.Join(Environment.NewLine, lines);
    }

    private static DateTimeOffset Time(JToken? token) =>
        DateTimeOffset.Parse((string)token!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static List<JObject> Events(JObject status, string type) =>
        [.. ((JArray?)status["historyEvents"] ?? []).OfType<JObject>().Where(e => (string?)e["EventType"] == type)];

    private void Count(string what, int by = 1) => this.counts[what] = this.counts.GetValueOrDefault(what) + by;

    private void Violation(Flow flow, string what) => this.violations.Add($"flow {flow.Index} ({flow.Script}, {flow.InstanceId}): {what}");

    private void Judge(Flow flow)
    {
        this.Count("starts cut by a kill (answer lost; retried with a new number)", flow.UnacknowledgedPhones.Count);
        if (flow.Problem is not null)
        {
            this.Violation(flow, "could not run its script: " + flow.Problem);
        }

        if (flow.InstanceId is null || !this.outcome.Finals.TryGetValue(flow.InstanceId, out JObject? status))
        {
            if (flow.Problem is null)
            {
                this.Violation(flow, "no acknowledged start");
            }

            return;
        }

        this.Count("starts answered 202");
        if ((string?)status["runtimeStatus"] != "Completed")
        {
            this.Violation(flow, $"ended {status["runtimeStatus"]}, output {status["output"]?.ToString(Formatting.None)}");
            return;
        }

        this.Count("starts answered 202 that ended Completed");
        // No TimerCreated in history: the activity's result and the decisive answer came in one episode, which
        // created and cancelled the timer at once (a finished instance records no new actions). No deadline passed.
        DateTimeOffset fireAt = Events(status, "TimerCreated").FirstOrDefault()?["FireAt"] is { Type: JTokenType.String } timer
            ? Time(timer)
            : DateTimeOffset.MaxValue;
        this.JudgeOutput(flow, status, fireAt);
        this.JudgeEvents(flow, status, fireAt);
        this.JudgeTimer(flow, status, fireAt);
        this.JudgeSms(flow);
        this.JudgeSteps(flow, status);
    }

    private void JudgeOutput(Flow flow, JObject status, DateTimeOffset fireAt)
    {
        bool? expected = flow.Script is FlowScript.FourWrong or FlowScript.Timeout ? false : null;
        if (expected is null)
        {
            // The right answer wins if it was acknowledged before the deadline (it is stored by then), loses if it was
            // first sent after it; if the deadline fell while its request was in flight, either is correct.
            RaisedEvent right = flow.Raised[^1];
            // A request cut by a kill may have been applied although it was never acknowledged.
            expected = right.Acknowledged && right.Answered < fireAt ? true
                : right.FirstSent >= fireAt || (!right.Acknowledged && !right.Unknown) ? false
                : null;
        }

        bool output = status["output"]?.Type == JTokenType.Boolean && (bool)status["output"]!;
        if (expected is null)
        {
            this.Count("outputs either way (deadline passed while the answer was in flight)");
        }
        else if (output != expected)
        {
            this.Violation(flow, $"output {output}, its script implies {expected} (deadline {fireAt:O}; answers {string.Join("; ", flow.Raised)})");
        }
        else
        {
            this.Count("outputs as the script implies");
        }
    }

    private void JudgeEvents(Flow flow, JObject status, DateTimeOffset fireAt)
    {
        // The history shows each input as its JSON text.
        List<string> applied = [.. Events(status, "EventRaised").Select(e => (string?)e["Input"] ?? "null")];
        List<RaisedEvent> mustApply = [.. flow.Raised.Where(r => r.Acknowledged && r.Answered < fireAt)];
        this.Count("raiseEvent answered 202", flow.Raised.Count(r => r.Acknowledged));
        if (flow.Raised.Any(r => r.Unknown))
        {
            // A request cut by a kill may have been applied as well as its retry: only the count can be checked.
            this.Count("raiseEvent requests cut by a kill (then retried)", flow.Raised.Count(r => r.Unknown));
            if (applied.Count < mustApply.Count)
            {
                this.Violation(flow, $"{mustApply.Count} answers acknowledged before the deadline, {applied.Count} applied");
            }

            return;
        }

        foreach (RaisedEvent raised in mustApply)
        {
            if (!applied.Remove(raised.Payload))
            {
                this.Violation(flow, $"the answer {raised.Payload}, acknowledged at {raised.Answered:O} before the deadline {fireAt:O}, was not applied");
                continue;
            }

            this.Count("raiseEvent answered 202 before the deadline and applied");
            if (flow.Script == FlowScript.EarlyWrongThenRight && raised == flow.Raised[0])
            {
                this.Count("answers raised right after the start's 202 and applied");
            }
        }
    }

    private void JudgeTimer(Flow flow, JObject status, DateTimeOffset fireAt)
    {
        if (Events(status, "TimerFired").Count == 0)
        {
            return;
        }

        DateTimeOffset fired = Time(Events(status, "ExecutionCompleted").FirstOrDefault()?["Timestamp"]);
        foreach ((DateTimeOffset killedAt, DateTimeOffset readyAt) in this.outcome.Downtimes)
        {
            if (fireAt > killedAt && fireAt < readyAt)
            {
                // The restart that counts is the first host that then stayed up for the whole limit: one killed
                // sooner had no fair chance (the plan kills some hosts right after they answer).
                DateTimeOffset restart = readyAt;
                while (this.outcome.Downtimes.FirstOrDefault(d => d.KilledAt > restart && d.KilledAt < restart + TimerAfterRestartLimit) is { ReadyAt: var next } && next != default)
                {
                    this.Count("restarts passed over when timing a timer (that host was killed again within 1 s)");
                    restart = next;
                }

                TimeSpan delay = fired - restart;
                this.maxTimerDelayAfterRestart = delay > this.maxTimerDelayAfterRestart ? delay : this.maxTimerDelayAfterRestart;
                this.Count("timers due while the host was down");
                if (delay > TimerAfterRestartLimit)
                {
                    this.Violation(flow, $"its timer, due at {fireAt:O} while the host was down, fired {delay.TotalMilliseconds:0} ms after the restart was ready");
                }
                else
                {
                    this.Count("timers due while the host was down that fired within 1 s of the restart");
                }

                return;
            }
        }

        TimeSpan late = fired - fireAt;
        this.maxTimerLateness = late > this.maxTimerLateness ? late : this.maxTimerLateness;
    }

    private void JudgeSms(Flow flow)
    {
        IReadOnlyList<SentSms> sent = [.. this.outcome.Sms.Where(s => s.To == flow.Phone).OrderBy(s => s.Received)];
        if (sent.Count == 0)
        {
            this.Violation(flow, "no SMS was sent");
            return;
        }

        if (sent.Select(s => s.Code).Distinct().Count() > 1)
        {
            this.Violation(flow, $"{sent.Count} SMS with different codes");
            return;
        }

        // A kill cut the first send if the process died after that request reached Twilio (it may have been
        // signalled a moment before) and before the resend.
        int killsDuringSend = this.outcome.Kills.Count(k => k > sent[0].Received && k < sent[^1].Received);
        if (sent.Count == 1)
        {
            this.Count("instances that sent exactly one SMS");
        }
        else if (sent.Count - 1 <= killsDuringSend)
        {
            this.Count($"instances that sent {sent.Count} SMS (same code) because a kill cut the send");
        }
        else
        {
            this.Violation(flow, $"{sent.Count} SMS but only {killsDuringSend} kill(s) between them (SMS at {string.Join(", ", sent.Select(x => x.Received.ToString("O", CultureInfo.InvariantCulture)))}; kills at {string.Join(", ", this.outcome.Kills.Select(k => k.ToString("O", CultureInfo.InvariantCulture)))})");
        }
    }

    private void JudgeSteps(Flow flow, JObject status)
    {
        // Exactly-once orchestration steps: replay after any number of kills never repeats a recorded action.
        // (The status API hides answered TaskScheduled events; a second run recorded would show a second TaskCompleted.)
        (string Type, int Min, int Max)[] expected =
        [
            ("ExecutionStarted", 1, 1), ("TaskCompleted", 1, 1), ("TaskFailed", 0, 0), ("TimerCreated", 0, 1),
            ("TimerFired", 0, 1), ("ExecutionCompleted", 1, 1), ("EventRaised", 0, 8),
        ];
        foreach ((string type, int min, int max) in expected)
        {
            int n = Events(status, type).Count;
            if (n < min || n > max)
            {
                this.Violation(flow, $"{n} {type} event(s) in history");
                return;
            }
        }

        this.Count("histories with each step exactly once");
    }

    private void JudgeStore(StoreSnapshot store)
    {
        Dictionary<string, InstanceRow> instances = store.Instances.ToDictionary(i => i.InstanceId, StringComparer.Ordinal);
        this.Count("store: instances (including starts whose answer was lost)", instances.Count);
        foreach (InstanceRow stuck in instances.Values.Where(i => !i.IsTerminal))
        {
            bool pending = store.Inbox.Any(m => m.InstanceId == stuck.InstanceId) || store.Tasks.Any(t => t.InstanceId == stuck.InstanceId);
            this.violations.Add($"store: instance {stuck.InstanceId} is {stuck.Status} after the run{(pending ? string.Empty : " with no pending work")}");
        }

        int orphanMessages = store.Inbox.Count(m => !instances.TryGetValue(m.InstanceId, out InstanceRow? i) || i.IsTerminal);
        int orphanTimers = store.Inbox.Count(m => m.EventType == "TimerFired" && (!instances.TryGetValue(m.InstanceId, out InstanceRow? i) || i.IsTerminal || i.ExecutionId != m.ExecutionId));
        int orphanTasks = store.Tasks.Count(t => !instances.TryGetValue(t.InstanceId, out InstanceRow? i) || i.IsTerminal || i.ExecutionId != t.ExecutionId);
        int leases = store.Instances.Count(i => i.LockedBy is not null) + store.Tasks.Count(t => t.LockedBy is not null);
        this.Count("store: orphan inbox rows", orphanMessages);
        this.Count("store: orphan timers", orphanTimers);
        this.Count("store: orphan activity tasks", orphanTasks);
        this.Count("store: leases still held after the graceful stop", leases);
        if (orphanMessages + orphanTimers + orphanTasks + leases > 0)
        {
            this.violations.Add($"store: {orphanMessages} orphan inbox rows, {orphanTimers} orphan timers, {orphanTasks} orphan tasks, {leases} leases held after the graceful stop");
        }
    }

    private void JudgeStop()
    {
        if (!this.outcome.StopExited || this.outcome.StopExitCode != 0 || this.outcome.StopTook > GracefulStopLimit)
        {
            this.violations.Add($"final SIGTERM: exited {this.outcome.StopExited} with code {this.outcome.StopExitCode} after {this.outcome.StopTook.TotalMilliseconds:0} ms (limit {GracefulStopLimit.TotalSeconds:0} s)");
        }
    }
}
