using Durable.Core;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;

namespace Durable.WebJobs.ContextImplementations;

/// <summary>
/// The Durable Functions orchestration context over the engine's context. Every member delegates to the engine,
/// which enforces the orchestrator thread and records or replays the action.
/// </summary>
internal sealed class OrchestrationContextAdapter : IDurableOrchestrationContext
{
    private const string Activity = "activity";
    private const string Orchestrator = "orchestrator";

    public OrchestrationContextAdapter(OrchestrationContext inner)
    {
        this.Inner = inner;
    }

    /// <summary>The engine's context.</summary>
    public OrchestrationContext Inner { get; }

    /// <summary>The value given to <see cref="SetOutput"/>; used when the function returns no value.</summary>
    public object? Output { get; private set; }

    public string Name => this.Inner.Name;

    public string InstanceId => this.Inner.InstanceId;

    public string? ParentInstanceId => this.Inner.ParentInstanceId;

    public DateTime CurrentUtcDateTime => this.Inner.CurrentUtcDateTime;

    public bool IsReplaying => this.Inner.IsReplaying;

    public TInput GetInput<TInput>() => this.Inner.GetInput<TInput>()!;

    public void SetOutput(object? output) => this.Output = output;

    public void ContinueAsNew(object? input, bool preserveUnprocessedEvents = false) => this.Inner.ContinueAsNew(input, preserveUnprocessedEvents);

    public void SetCustomStatus(object? customStatusObject) => this.Inner.SetCustomStatus(customStatusObject);

    public Guid NewGuid() => this.Inner.NewGuid();

    public Task<TResult> CallActivityAsync<TResult>(string functionName, object? input) =>
        FunctionFailures.Translate(this.Inner.CallActivityAsync<TResult>(functionName, input), Activity);

    public Task CallActivityAsync(string functionName, object? input) => this.CallActivityAsync<object?>(functionName, input);

    public Task<TResult> CallActivityWithRetryAsync<TResult>(string functionName, RetryOptions retryOptions, object? input)
    {
        ArgumentNullException.ThrowIfNull(retryOptions);
        return FunctionFailures.Translate(this.Inner.CallActivityWithRetryAsync<TResult>(functionName, retryOptions.ToCore(), input), Activity);
    }

    public Task CallActivityWithRetryAsync(string functionName, RetryOptions retryOptions, object? input) =>
        this.CallActivityWithRetryAsync<object?>(functionName, retryOptions, input);

    public Task<TResult> CallSubOrchestratorAsync<TResult>(string functionName, object? input) =>
        this.CallSubOrchestratorAsync<TResult>(functionName, null, input);

    public Task<TResult> CallSubOrchestratorAsync<TResult>(string functionName, string? instanceId, object? input) =>
        FunctionFailures.Translate(this.Inner.CallSubOrchestratorAsync<TResult>(functionName, instanceId, input), Orchestrator);

    public Task CallSubOrchestratorAsync(string functionName, object? input) =>
        this.CallSubOrchestratorAsync<object?>(functionName, null, input);

    public Task CallSubOrchestratorAsync(string functionName, string? instanceId, object? input) =>
        this.CallSubOrchestratorAsync<object?>(functionName, instanceId, input);

    public Task<TResult> CallSubOrchestratorWithRetryAsync<TResult>(string functionName, RetryOptions retryOptions, string? instanceId, object? input)
    {
        ArgumentNullException.ThrowIfNull(retryOptions);
        return FunctionFailures.Translate(this.Inner.CallSubOrchestratorWithRetryAsync<TResult>(functionName, retryOptions.ToCore(), instanceId, input), Orchestrator);
    }

    public Task CallSubOrchestratorWithRetryAsync(string functionName, RetryOptions retryOptions, object? input) =>
        this.CallSubOrchestratorWithRetryAsync<object?>(functionName, retryOptions, null, input);

    public Task CallSubOrchestratorWithRetryAsync(string functionName, RetryOptions retryOptions, string? instanceId, object? input) =>
        this.CallSubOrchestratorWithRetryAsync<object?>(functionName, retryOptions, instanceId, input);

    public Task<TResult> CallSubOrchestratorWithRetryAsync<TResult>(string functionName, RetryOptions retryOptions, object? input) =>
        this.CallSubOrchestratorWithRetryAsync<TResult>(functionName, retryOptions, null, input);

    public Task<T> CreateTimer<T>(DateTime fireAt, T state, CancellationToken cancelToken) => this.Inner.CreateTimer(fireAt, state, cancelToken);

    public Task CreateTimer(DateTime fireAt, CancellationToken cancelToken) => this.Inner.CreateTimer<object?>(fireAt, null, cancelToken);

    public Task<T> WaitForExternalEvent<T>(string name) => this.Inner.WaitForExternalEvent<T>(name);

    public Task WaitForExternalEvent(string name) => this.Inner.WaitForExternalEvent<object?>(name);

    public Task WaitForExternalEvent(string name, TimeSpan timeout, CancellationToken cancelToken = default) =>
        this.Inner.WaitForExternalEvent<object?>(name, timeout, cancelToken);

    public Task<T> WaitForExternalEvent<T>(string name, TimeSpan timeout, CancellationToken cancelToken = default) =>
        this.Inner.WaitForExternalEvent<T>(name, timeout, cancelToken);

    public Task<T> WaitForExternalEvent<T>(string name, TimeSpan timeout, T defaultValue, CancellationToken cancelToken = default) =>
        this.Inner.WaitForExternalEvent(name, timeout, defaultValue, cancelToken);
}
