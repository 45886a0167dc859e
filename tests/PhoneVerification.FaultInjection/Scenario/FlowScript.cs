namespace PhoneVerification.FaultInjection.Scenario;

/// <summary>What a simulated user does after starting a verification.</summary>
internal enum FlowScript
{
    /// <summary>Answers with the code from the SMS: output true.</summary>
    RightCode,

    /// <summary>One wrong answer, then the code: output true.</summary>
    WrongThenRight,

    /// <summary>A wrong answer raised right after the start's 202 (before the orchestrator ran), then the code: output true.</summary>
    EarlyWrongThenRight,

    /// <summary>Four wrong answers: output false.</summary>
    FourWrong,

    /// <summary>No answer: the timer ends it, output false.</summary>
    Timeout,
}
