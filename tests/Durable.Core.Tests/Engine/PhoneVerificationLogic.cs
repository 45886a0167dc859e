using Durable.Core;

namespace Durable.Core.Tests.Engine;

/// <summary>The sample's orchestrator logic written against the engine's context, to run it for real.</summary>
internal static class PhoneVerificationLogic
{
    public const string Orchestrator = "E4_SmsPhoneVerification";
    public const string SendChallenge = "E4_SendSmsChallenge";
    public const string ResponseEvent = "SmsChallengeResponse";
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(90);

    public static async Task<bool> RunAsync(OrchestrationContext context)
    {
        string? phoneNumber = context.GetInput<string>();
        if (string.IsNullOrEmpty(phoneNumber))
        {
            throw new ArgumentNullException(nameof(phoneNumber), "A phone number input is required.");
        }

        int challengeCode = await context.CallActivityAsync<int>(SendChallenge, phoneNumber);
        using CancellationTokenSource timeoutCts = new();
        Task timeoutTask = context.CreateTimer(context.CurrentUtcDateTime.Add(Window), true, timeoutCts.Token);
        bool authorized = false;
        for (int retryCount = 0; retryCount <= 3; retryCount++)
        {
            Task<int> challengeResponseTask = context.WaitForExternalEvent<int>(ResponseEvent);
            Task winner = await Task.WhenAny(challengeResponseTask, timeoutTask);
            if (winner != challengeResponseTask)
            {
                break;
            }

            if (challengeResponseTask.Result == challengeCode)
            {
                authorized = true;
                break;
            }
        }

        if (!timeoutTask.IsCompleted)
        {
            timeoutCts.Cancel();
        }

        return authorized;
    }

    /// <summary>Registers the orchestrator and an activity that "sends" <paramref name="code"/> and counts its runs.</summary>
    public static void Register(FunctionRegistry functions, int code, Action? onSend = null) =>
        functions
            .AddOrchestrator(Orchestrator, RunAsync)
            .AddActivity<string, int>(SendChallenge, (_, _) =>
            {
                onSend?.Invoke();
                return Task.FromResult(code);
            });
}
