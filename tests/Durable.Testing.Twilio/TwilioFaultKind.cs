namespace Durable.Testing.Twilio;

/// <summary>The kinds of <see cref="TwilioFault"/>.</summary>
public enum TwilioFaultKind
{
    /// <summary>No fault: record the message and answer 201 (a step in a sequence of faults).</summary>
    Accept,

    /// <summary>Record the message, close without answering (the outcome is unknown to the client).</summary>
    CloseAfterRecording,

    /// <summary>Close without recording or answering (the outcome is unknown to the client, and nothing was sent).</summary>
    CloseBeforeRecording,

    /// <summary>Record the message, answer 201 late (past a client's timeout).</summary>
    SlowAfterRecording,

    /// <summary>Answer with a given status and body, recording nothing.</summary>
    Answer,
}
