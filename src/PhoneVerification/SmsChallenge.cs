namespace PhoneVerification;

/// <summary>
/// What <c>E4_SendSmsChallenge</c> returns to the orchestrator: the code it texted and the challenge rules read from
/// the app settings at that moment. Being an activity result, it is recorded in history, so every replay of the
/// instance sees the same window and attempt count even if the settings change meanwhile.
/// </summary>
/// <param name="Code">The 4-digit code sent, 0 to 9999.</param>
/// <param name="TimeoutSeconds">How long the user has to answer (setting <c>SmsChallengeTimeoutSeconds</c>).</param>
/// <param name="MaxAttempts">How many answers are accepted (setting <c>SmsChallengeMaxAttempts</c>).</param>
public sealed record SmsChallenge(int Code, int TimeoutSeconds, int MaxAttempts);
