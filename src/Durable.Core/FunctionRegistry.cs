using System.Collections.Concurrent;

namespace Durable.Core;

/// <summary>
/// Orchestrators and activities registered as delegates: for embedding the engine without WebJobs and for tests.
/// </summary>
public sealed class FunctionRegistry : IOrchestratorInvoker, IActivityInvoker
{
    private readonly ConcurrentDictionary<string, Func<OrchestrationContext, Task<object?>>> orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Func<ActivityContext, Task<object?>>> activities = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registers an orchestrator.</summary>
    public FunctionRegistry AddOrchestrator<TResult>(string name, Func<OrchestrationContext, Task<TResult>> function)
    {
        this.orchestrators[name] = async context => await function(context);
        return this;
    }

    /// <summary>Registers an activity.</summary>
    public FunctionRegistry AddActivity<TInput, TResult>(string name, Func<TInput?, ActivityContext, Task<TResult>> function)
    {
        this.activities[name] = async context => await function(context.GetInput<TInput>(), context).ConfigureAwait(false);
        return this;
    }

    /// <inheritdoc/>
    public bool IsOrchestrator(string name) => this.orchestrators.ContainsKey(name);

    /// <inheritdoc/>
    public bool IsActivity(string name) => this.activities.ContainsKey(name);

    /// <inheritdoc/>
    public Task InvokeAsync(OrchestratorInvocation invocation, CancellationToken cancellationToken)
    {
        Func<OrchestrationContext, Task<object?>> function = this.orchestrators[invocation.Context.Name];
        return invocation.RunEpisodeAsync(() => function(invocation.Context));
    }

    /// <inheritdoc/>
    public Task<object?> InvokeAsync(ActivityContext context, CancellationToken cancellationToken) =>
        this.activities[context.Name](context);
}
