using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Extensions.Logging;

namespace Durable.WebJobs.Tests;

/// <summary>Functions indexed by the test JobHost.</summary>
public static class TestFunctions
{
    [FunctionName("Greeting")]
    public static async Task<string> Greeting([OrchestrationTrigger] IDurableOrchestrationContext context, ILogger log)
    {
        string name = context.GetInput<string>();
        CreateReplaySafe(context, log).LogInformation("Greeting {Name}", name);
        string hello = await context.CallActivityAsync<string>("SayHello", name);
        string thread = Environment.CurrentManagedThreadId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.SetCustomStatus(new { step = "waiting", thread });
        string suffix = await context.WaitForExternalEvent<string>("Suffix");
        return hello + suffix;
    }

    [FunctionName("SayHello")]
    public static string SayHello([ActivityTrigger] string name, ILogger log)
    {
        log.LogInformation("Saying hello to {Name}", name);
        return $"Hello {name}";
    }

    [FunctionName("TimerThenDone")]
    public static async Task<bool> TimerThenDone([OrchestrationTrigger] IDurableOrchestrationContext context)
    {
        using CancellationTokenSource cts = new();
        Task timer = context.CreateTimer(context.CurrentUtcDateTime.AddMilliseconds(200), cts.Token);
        Task<int> answer = context.WaitForExternalEvent<int>("Answer");
        Task winner = await Task.WhenAny(timer, answer);
        if (!timer.IsCompleted)
        {
            cts.Cancel();
        }

        return winner == answer;
    }

    [FunctionName("CallsFailingActivity")]
    public static async Task<string> CallsFailingActivity([OrchestrationTrigger] IDurableOrchestrationContext context)
    {
        try
        {
            await context.CallActivityAsync("Fails", null);
            return "no failure";
        }
        catch (FunctionFailedException e)
        {
            return e.Message;
        }
    }

    [FunctionName("Fails")]
    public static void Fails([ActivityTrigger] IDurableActivityContext context) =>
        throw new InvalidOperationException($"boom in {context.InstanceId}");

    [FunctionName("UsesSetOutput")]
    public static Task UsesSetOutput([OrchestrationTrigger] IDurableOrchestrationContext context)
    {
        context.SetOutput(42);
        return Task.CompletedTask;
    }

    [FunctionName("StartGreeting")]
    [NoAutomaticTrigger]
    public static async Task StartGreeting(string name, [DurableClient] IDurableClient client, StartedIds ids)
    {
        ids.Add(await client.StartNewAsync("Greeting", null, name));
    }

    private static ILogger CreateReplaySafe(IDurableOrchestrationContext context, ILogger log) => context.CreateReplaySafeLogger(log);
}
