using System.Diagnostics;
using System.Diagnostics.Metrics;
using Durable.Core;
using Durable.Core.Diagnostics;
using Durable.Core.History;
using Durable.Core.Serialization;
using Newtonsoft.Json.Linq;

namespace PhoneVerification;

/// <summary>
/// Counts verifications started and ended by outcome (meter <see cref="MeterName"/>), told by the engine when an instance
/// is created and when it finishes, so nothing runs inside the orchestrator or on replay. The outcome is read from the
/// output and the history the orchestrator left: <c>verified</c>, <c>wrong_code</c> (every attempt used),
/// <c>expired</c> (the timer won), <c>failed</c>, <c>terminated</c>; <c>wrong_codes</c> says how many answers were wrong.
/// </summary>
public sealed class VerificationOutcomes : IOrchestrationObserver, IDisposable
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string MeterName = "PhoneVerification";

    private readonly Meter meter;
    private readonly Counter<long> started;
    private readonly Counter<long> ended;

    /// <summary>Creates the counters.</summary>
    public VerificationOutcomes()
    {
        this.meter = new Meter(MeterName);
        this.started = this.meter.CreateCounter<long>("phoneverification.verifications.started", "{verification}", "Verifications started.");
        this.ended = this.meter.CreateCounter<long>("phoneverification.verifications.ended", "{verification}", "Verifications ended, by outcome and number of wrong codes.");
    }

    /// <inheritdoc/>
    public void OnStarted(string name, string instanceId)
    {
        if (name == SmsPhoneVerification.FunctionName)
        {
            this.started.Add(1);
        }
    }

    /// <inheritdoc/>
    public void OnFinished(OrchestrationFinished finished)
    {
        ArgumentNullException.ThrowIfNull(finished);
        if (finished.Name != SmsPhoneVerification.FunctionName)
        {
            return;
        }

        (string outcome, int wrongCodes) = Classify(finished);
        this.ended.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("wrong_codes", wrongCodes));

        // The final episode's span (when traced) carries the outcome too; never the code.
        Activity.Current?.SetTag("verification.outcome", outcome);
        Activity.Current?.SetTag("verification.wrong_codes", wrongCodes);
    }

    /// <inheritdoc/>
    public void Dispose() => this.meter.Dispose();

    /// <summary>The outcome and how many answers were wrong, from the final status, output and history.</summary>
    internal static (string Outcome, int WrongCodes) Classify(OrchestrationFinished finished)
    {
        int wrongCodes = WrongCodes(finished.History);
        string outcome = finished.Status switch
        {
            OrchestrationStatus.Completed when finished.Output == "true" => "verified",
            OrchestrationStatus.Completed when finished.History.Any(e => e.EventType == EventType.TimerFired) => "expired",
            OrchestrationStatus.Completed => "wrong_code",
            OrchestrationStatus.Failed => "failed",
            _ => "terminated",
        };
        return (outcome, wrongCodes);
    }

    /// <summary>Answers checked against the texted code (as the orchestrator did: in order, up to the attempts allowed) that did not match.</summary>
    private static int WrongCodes(IReadOnlyList<HistoryEvent> history)
    {
        int? sendId = history.FirstOrDefault(e => e.EventType == EventType.TaskScheduled && e.Name == SendSmsChallenge.FunctionName)?.EventId;
        string? result = history.FirstOrDefault(e => e.EventType == EventType.TaskCompleted && e.TaskScheduledId == sendId)?.Result;
        SmsChallenge? challenge = sendId is null ? null : JsonDataConverter.Deserialize<SmsChallenge>(result);
        if (challenge is null)
        {
            return 0;
        }

        int wrong = 0;
        foreach (HistoryEvent answer in history.Where(e => e.EventType == EventType.EventRaised && e.Name == SmsPhoneVerification.ResponseEventName).Take(challenge.MaxAttempts))
        {
            if (SmsPhoneVerification.IsCorrect(JsonDataConverter.ToToken(answer.Input) ?? JValue.CreateNull(), challenge.Code))
            {
                break;
            }

            wrong++;
        }

        return wrong;
    }
}
