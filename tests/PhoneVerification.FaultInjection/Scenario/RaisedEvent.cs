namespace PhoneVerification.FaultInjection.Scenario;

/// <summary>One answer a flow raised, and what the host said.</summary>
/// <param name="Payload">The JSON body sent.</param>
/// <param name="FirstSent">When the first request for it left.</param>
/// <param name="Answered">When the final answer arrived.</param>
/// <param name="Status">The final HTTP status (202 = acknowledged).</param>
/// <param name="Unknown">A request for it was cut by a kill before its answer: it may have been applied once more.</param>
internal sealed record RaisedEvent(string Payload, DateTimeOffset FirstSent, DateTimeOffset Answered, int Status, bool Unknown)
{
    public bool Acknowledged => this.Status == 202;
}
