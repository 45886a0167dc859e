namespace PhoneVerification.FaultInjection.Scenario;

/// <summary>One simulated user: its script, and everything the host acknowledged to it.</summary>
internal sealed class Flow
{
    public Flow(int index, FlowScript script, TimeSpan startDelay)
    {
        this.Index = index;
        this.Script = script;
        this.StartDelay = startDelay;
    }

    public int Index { get; }

    public FlowScript Script { get; }

    public TimeSpan StartDelay { get; }

    /// <summary>The number of the start that was answered 202 (each start attempt uses a fresh number).</summary>
    public string? Phone { get; set; }

    /// <summary>Numbers of start requests cut by a kill: an instance may or may not exist for them.</summary>
    public List<string> UnacknowledgedPhones { get; } = [];

    public string? InstanceId { get; set; }

    public string? StatusUri { get; set; }

    public string? EventUri { get; set; }

    public List<RaisedEvent> Raised { get; } = [];

    /// <summary>Why the flow could not run its script, if it could not.</summary>
    public string? Problem { get; set; }
}
