using System.Globalization;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Newtonsoft.Json.Linq;

namespace PhoneVerification;

/// <summary>The orchestrator of the sample: text a code, then race a durable timer against the user's answers.</summary>
public static class SmsPhoneVerification
{
    /// <summary>The orchestrator function name.</summary>
    public const string FunctionName = "E4_SmsPhoneVerification";

    /// <summary>The event that carries the user's answer.</summary>
    public const string ResponseEventName = "SmsChallengeResponse";

    /// <summary>
    /// Sends a code to the phone number given as input, then waits for up to <see cref="SmsChallenge.MaxAttempts"/>
    /// <c>SmsChallengeResponse</c> events within <see cref="SmsChallenge.TimeoutSeconds"/>; returns whether one matched.
    /// </summary>
    /// <remarks>
    /// Deterministic on replay: the deadline derives from <see cref="IDurableOrchestrationContext.CurrentUtcDateTime"/>
    /// and the rules come from the activity's recorded result. Answers are read as raw JSON, so a malformed answer
    /// (text, a fraction, an object) counts as a wrong attempt instead of failing the instance.
    /// </remarks>
    /// <param name="context">The orchestration context; its input is the phone number.</param>
    /// <returns>True when the right code arrived in time.</returns>
    [FunctionName(FunctionName)]
    public static async Task<bool> Run(
        [OrchestrationTrigger] IDurableOrchestrationContext context)
    {
        string phoneNumber = context.GetInput<string>();
        if (string.IsNullOrEmpty(phoneNumber))
        {
            throw new ArgumentNullException(
                nameof(phoneNumber),
                "A phone number input is required.");
        }

        SmsChallenge challenge = await context.CallActivityAsync<SmsChallenge>(
            "E4_SendSmsChallenge",
            phoneNumber);

        using (CancellationTokenSource timeoutCts = new())
        {
            // The user has the configured window (90 seconds by default) to respond with the code.
            DateTime expiration = context.CurrentUtcDateTime.AddSeconds(challenge.TimeoutSeconds);
            Task timeoutTask = context.CreateTimer(expiration, timeoutCts.Token);

            // What the user's page shows ("3 attempts left", a countdown): public, never the code.
            context.SetCustomStatus(new { attemptsLeft = challenge.MaxAttempts, expiresAt = expiration });

            bool authorized = false;
            for (int attempt = 1; attempt <= challenge.MaxAttempts; attempt++)
            {
                Task<JToken> challengeResponseTask =
                    context.WaitForExternalEvent<JToken>(ResponseEventName);

                Task winner = await Task.WhenAny(challengeResponseTask, timeoutTask);
                if (winner != challengeResponseTask)
                {
                    // Timeout expired.
                    break;
                }

                if (IsCorrect(await challengeResponseTask, challenge.Code))
                {
                    authorized = true;
                    break;
                }

                context.SetCustomStatus(new { attemptsLeft = challenge.MaxAttempts - attempt, expiresAt = expiration });
            }

            if (!timeoutTask.IsCompleted)
            {
                // All pending timers must be complete or canceled before the function exits.
                timeoutCts.Cancel();
            }

            return authorized;
        }
    }

    /// <summary>
    /// True when <paramref name="response"/> is the code: a JSON integer (<c>2168</c>) or a string of 1 to 9 ASCII
    /// digits (<c>"0042"</c>). Anything else (text, fractions, negative or out-of-range numbers) is simply wrong.
    /// </summary>
    internal static bool IsCorrect(JToken? response, int code)
    {
        if (response is null)
        {
            return false;
        }

        if (response.Type == JTokenType.Integer)
        {
            // Beyond 64 bits the value is a BigInteger: simply wrong, never an exception that would fail the instance.
            return response is JValue { Value: long number } && number == code;
        }

        if (response.Type != JTokenType.String)
        {
            return false;
        }

        string text = (response.Value<string>() ?? string.Empty).Trim();
        if (text.Length == 0 || text.Length > 9)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }
        }

        return int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) == code;
    }
}
