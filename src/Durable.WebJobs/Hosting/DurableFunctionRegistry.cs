using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Durable.Core;
using Durable.WebJobs.ContextImplementations;
using Microsoft.Azure.WebJobs.Host;
using Microsoft.Azure.WebJobs.Host.Executors;

namespace Durable.WebJobs.Hosting;

/// <summary>
/// The orchestrator and activity functions the JobHost indexed, and the engine's way to run them: each episode or
/// activity goes through the function's WebJobs executor, so bindings (ILogger, [TwilioSms], ...) and invocation
/// logging work exactly as for any other trigger.
/// </summary>
internal sealed class DurableFunctionRegistry : IOrchestratorInvoker, IActivityInvoker
{
    // Null executor = indexed, listener not created yet (names are known before executors exist).
    private readonly ConcurrentDictionary<string, ITriggeredFunctionExecutor?> orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ITriggeredFunctionExecutor?> activities = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The orchestrator names, for start-up output.</summary>
    public IReadOnlyCollection<string> OrchestratorNames => [.. this.orchestrators.Keys];

    /// <summary>The activity names, for start-up output.</summary>
    public IReadOnlyCollection<string> ActivityNames => [.. this.activities.Keys];

    public void RegisterOrchestrator(string name, ITriggeredFunctionExecutor? executor) => Register(this.orchestrators, name, executor);

    public void RegisterActivity(string name, ITriggeredFunctionExecutor? executor) => Register(this.activities, name, executor);

    public bool IsOrchestrator(string name) => this.orchestrators.ContainsKey(name);

    public bool IsActivity(string name) => this.activities.ContainsKey(name);

    public async Task InvokeAsync(OrchestratorInvocation invocation, CancellationToken cancellationToken)
    {
        ITriggeredFunctionExecutor executor = Executor(this.orchestrators, invocation.Context.Name, "orchestrator");
        OrchestrationContextAdapter context = new(invocation.Context);
        bool episodeRan = false;
        TriggeredFunctionData input = new()
        {
            TriggerValue = context,
#pragma warning disable CS0618 // InvokeHandler is the hook WebJobs reserves for the Durable extension; DFX uses it the same way.
            InvokeHandler = userCodeInvoker =>
            {
                episodeRan = true;
                return invocation.RunEpisodeAsync(() => StartUserCode(userCodeInvoker, context));
            },
#pragma warning restore CS0618
        };

        FunctionResult result = await executor.TryExecuteAsync(input, cancellationToken).ConfigureAwait(false);
        if (!episodeRan)
        {
            // Binding failed before user code could run: not the orchestration's fault, so the engine retries the episode.
            throw new InvalidOperationException(
                $"The orchestrator function '{invocation.Context.Name}' could not be invoked: {result.Exception?.GetBaseException().Message}",
                result.Exception);
        }
    }

    public async Task<object?> InvokeAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        ITriggeredFunctionExecutor executor = Executor(this.activities, context.Name, "activity");
        ActivityContextAdapter adapter = new(context);
        FunctionResult result = await executor.TryExecuteAsync(new TriggeredFunctionData { TriggerValue = adapter }, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            // The orchestrator sees the user's exception, not WebJobs' FunctionInvocationException wrapper.
            Exception error = result.Exception is FunctionInvocationException { InnerException: { } inner } ? inner : result.Exception ?? new InvalidOperationException($"The activity function '{context.Name}' failed.");
            ExceptionDispatchInfo.Throw(error);
        }

        return adapter.Output;
    }

    /// <summary>
    /// Starts the user's orchestrator through WebJobs' invoker. Called by the engine on the orchestrator thread with
    /// the orchestration synchronization context installed, so the method and every continuation run there.
    /// </summary>
    private static Task<object?> StartUserCode(Func<Task> userCodeInvoker, OrchestrationContextAdapter context)
    {
        Task invokeTask = userCodeInvoker();

        // WebJobs invokers always return Task<object> carrying the method's return value (null for Task/void).
        if (invokeTask is not Task<object?> resultTask)
        {
            throw new InvalidOperationException("The WebJobs runtime returned an invocation task that does not support return values.");
        }

        return WithSetOutputFallback(resultTask, context);
    }

    private static async Task<object?> WithSetOutputFallback(Task<object?> resultTask, OrchestrationContextAdapter context)
    {
        // Resumes on the orchestration synchronization context: no ConfigureAwait(false) on the orchestrator path.
        object? returned = await resultTask;
        return returned ?? context.Output;
    }

    private static void Register(ConcurrentDictionary<string, ITriggeredFunctionExecutor?> functions, string name, ITriggeredFunctionExecutor? executor)
    {
        if (executor is null)
        {
            functions.TryAdd(name, null);
        }
        else
        {
            functions[name] = executor;
        }
    }

    private static ITriggeredFunctionExecutor Executor(ConcurrentDictionary<string, ITriggeredFunctionExecutor?> functions, string name, string kind) =>
        functions.TryGetValue(name, out ITriggeredFunctionExecutor? executor) && executor is not null
            ? executor
            : throw new InvalidOperationException($"The {kind} function '{name}' is not ready: the JobHost has not started its listener yet.");
}
