using Newtonsoft.Json.Linq;
using PhoneVerification.FaultInjection.Infrastructure;
using PhoneVerification.FaultInjection.Stores;

namespace PhoneVerification.FaultInjection.Scenario;

/// <summary>What a run observed: the plan as run, final statuses with history, downtimes, SMS, the raw store, the stop.</summary>
/// <param name="Plan">The flows (with what the host acknowledged to them) and kills.</param>
/// <param name="Window">The challenge window.</param>
/// <param name="Finals">Final status with history per acknowledged instance id.</param>
/// <param name="Downtimes">Kill → next host ready.</param>
/// <param name="Kills">Every SIGKILL.</param>
/// <param name="Sms">Every SMS the fake Twilio accepted.</param>
/// <param name="Store">The raw store after the graceful stop.</param>
/// <param name="StopExited">The final SIGTERM ended the host in time.</param>
/// <param name="StopExitCode">Its exit code.</param>
/// <param name="StopTook">How long it took.</param>
/// <param name="SmsLookups">How often retried activities asked the fake Twilio whether their SMS had gone out.</param>
internal sealed record RunOutcome(
    FaultPlan Plan,
    TimeSpan Window,
    IReadOnlyDictionary<string, JObject> Finals,
    IReadOnlyList<(DateTimeOffset KilledAt, DateTimeOffset ReadyAt)> Downtimes,
    IReadOnlyList<DateTimeOffset> Kills,
    IReadOnlyList<SentSms> Sms,
    StoreSnapshot Store,
    bool StopExited,
    int StopExitCode,
    TimeSpan StopTook,
    int SmsLookups);
