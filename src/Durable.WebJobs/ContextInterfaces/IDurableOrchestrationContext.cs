namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>
/// What orchestrator functions use to reach the world: the same members, names and signatures as Durable
/// Functions' <c>IDurableOrchestrationContext</c> (entities, HTTP calls and locks excepted).
/// </summary>
/// <remarks>
/// Orchestrator code is replayed from the top on every episode: results of activities, timers and events come
/// from history, so the code must be deterministic and reach the world only through this context (no clock,
/// Guid, Random, I/O, <c>Task.Run</c>, <c>Task.Delay</c> or <c>ConfigureAwait(false)</c>).
/// </remarks>
public interface IDurableOrchestrationContext
{
    /// <summary>Gets the name of the current orchestration function.</summary>
    string Name { get; }

    /// <summary>Gets the version of the current orchestration function (always empty here).</summary>
    string Version => string.Empty;

    /// <summary>Gets the instance ID of the currently executing orchestration.</summary>
    string InstanceId { get; }

    /// <summary>Gets the parent instance ID of a sub-orchestration, else null.</summary>
    string? ParentInstanceId { get; }

    /// <summary>Gets the current date/time in UTC as recorded in history: identical on every replay.</summary>
    DateTime CurrentUtcDateTime { get; }

    /// <summary>Gets a value indicating whether the orchestration is replaying recorded history.</summary>
    bool IsReplaying { get; }

    /// <summary>Gets the input of the current orchestrator function as a deserialized value.</summary>
    /// <typeparam name="TInput">Any data contract type that matches the JSON input.</typeparam>
    /// <returns>The deserialized input value.</returns>
    TInput GetInput<TInput>();

    /// <summary>Sets the output used when the function returns no value (a non-null return value wins).</summary>
    /// <param name="output">The JSON-serializable output.</param>
    void SetOutput(object? output);

    /// <summary>Restarts the orchestration with new input and an empty history once the function returns.</summary>
    /// <param name="input">The JSON-serializable input of the new execution.</param>
    /// <param name="preserveUnprocessedEvents">Whether events received but not consumed are handed to the new execution.</param>
    void ContinueAsNew(object? input, bool preserveUnprocessedEvents = false);

    /// <summary>Sets the JSON-serializable custom status shown by status queries (at most 16 KB).</summary>
    /// <param name="customStatusObject">The status value.</param>
    void SetCustomStatus(object? customStatusObject);

    /// <summary>Schedules a sub-orchestration and returns its output.</summary>
    /// <typeparam name="TResult">The output type.</typeparam>
    /// <param name="functionName">The orchestrator function to call.</param>
    /// <param name="input">The JSON-serializable input.</param>
    /// <returns>A durable task completing with the sub-orchestration's output.</returns>
    /// <exception cref="FunctionFailedException">The sub-orchestration failed.</exception>
    Task<TResult> CallSubOrchestratorAsync<TResult>(string functionName, object? input);

    /// <summary>Schedules a sub-orchestration with a given instance id and returns its output.</summary>
    /// <typeparam name="TResult">The output type.</typeparam>
    /// <param name="functionName">The orchestrator function to call.</param>
    /// <param name="instanceId">The sub-orchestration's instance id.</param>
    /// <param name="input">The JSON-serializable input.</param>
    /// <returns>A durable task completing with the sub-orchestration's output.</returns>
    /// <exception cref="FunctionFailedException">The sub-orchestration failed.</exception>
    Task<TResult> CallSubOrchestratorAsync<TResult>(string functionName, string? instanceId, object? input);

    /// <summary>Schedules a sub-orchestration and waits for it to finish.</summary>
    /// <param name="functionName">The orchestrator function to call.</param>
    /// <param name="input">The JSON-serializable input.</param>
    /// <returns>A durable task completing when the sub-orchestration completes.</returns>
    /// <exception cref="FunctionFailedException">The sub-orchestration failed.</exception>
    Task CallSubOrchestratorAsync(string functionName, object? input);

    /// <summary>Schedules a sub-orchestration with a given instance id and waits for it to finish.</summary>
    /// <param name="functionName">The orchestrator function to call.</param>
    /// <param name="instanceId">The sub-orchestration's instance id.</param>
    /// <param name="input">The JSON-serializable input.</param>
    /// <returns>A durable task completing when the sub-orchestration completes.</returns>
    /// <exception cref="FunctionFailedException">The sub-orchestration failed.</exception>
    Task CallSubOrchestratorAsync(string functionName, string? instanceId, object? input);

    /// <summary>Schedules a sub-orchestration, retrying failures on durable timers.</summary>
    /// <typeparam name="TResult">The output type.</typeparam>
    /// <param name="functionName">The orchestrator function to call.</param>
    /// <param name="retryOptions">The retry policy.</param>
    /// <param name="instanceId">The sub-orchestration's instance id.</param>
    /// <param name="input">The JSON-serializable input.</param>
    /// <returns>A durable task completing with the sub-orchestration's output.</returns>
    /// <exception cref="FunctionFailedException">Every attempt failed.</exception>
    Task<TResult> CallSubOrchestratorWithRetryAsync<TResult>(string functionName, RetryOptions retryOptions, string? instanceId, object? input);

    /// <summary>Schedules a sub-orchestration, retrying failures on durable timers.</summary>
    /// <param name="functionName">The orchestrator function to call.</param>
    /// <param name="retryOptions">The retry policy.</param>
    /// <param name="input">The JSON-serializable input.</param>
    /// <returns>A durable task completing when the sub-orchestration completes.</returns>
    /// <exception cref="FunctionFailedException">Every attempt failed.</exception>
    Task CallSubOrchestratorWithRetryAsync(string functionName, RetryOptions retryOptions, object? input);

    /// <summary>Schedules a sub-orchestration with a given instance id, retrying failures on durable timers.</summary>
    /// <param name="functionName">The orchestrator function to call.</param>
    /// <param name="retryOptions">The retry policy.</param>
    /// <param name="instanceId">The sub-orchestration's instance id.</param>
    /// <param name="input">The JSON-serializable input.</param>
    /// <returns>A durable task completing when the sub-orchestration completes.</returns>
    /// <exception cref="FunctionFailedException">Every attempt failed.</exception>
    Task CallSubOrchestratorWithRetryAsync(string functionName, RetryOptions retryOptions, string? instanceId, object? input);

    /// <summary>Schedules a sub-orchestration, retrying failures on durable timers.</summary>
    /// <typeparam name="TResult">The output type.</typeparam>
    /// <param name="functionName">The orchestrator function to call.</param>
    /// <param name="retryOptions">The retry policy.</param>
    /// <param name="input">The JSON-serializable input.</param>
    /// <returns>A durable task completing with the sub-orchestration's output.</returns>
    /// <exception cref="FunctionFailedException">Every attempt failed.</exception>
    Task<TResult> CallSubOrchestratorWithRetryAsync<TResult>(string functionName, RetryOptions retryOptions, object? input);

    /// <summary>Creates a durable timer that completes with <paramref name="state"/> at <paramref name="fireAt"/>.</summary>
    /// <remarks>
    /// Cancel <paramref name="cancelToken"/> when the timer is no longer needed: an uncancelled timer keeps the
    /// instance Running after the function returns, until it fires.
    /// </remarks>
    /// <typeparam name="T">The state type.</typeparam>
    /// <param name="fireAt">When the timer fires (UTC).</param>
    /// <param name="state">The value the task completes with.</param>
    /// <param name="cancelToken">Cancels the timer.</param>
    /// <returns>A durable task that completes when the timer fires.</returns>
    Task<T> CreateTimer<T>(DateTime fireAt, T state, CancellationToken cancelToken);

    /// <summary>Creates a durable timer that completes at <paramref name="fireAt"/>.</summary>
    /// <remarks>Cancel <paramref name="cancelToken"/> when the timer is no longer needed (see <see cref="CreateTimer{T}"/>).</remarks>
    /// <param name="fireAt">When the timer fires (UTC).</param>
    /// <param name="cancelToken">Cancels the timer.</param>
    /// <returns>A durable task that completes when the timer fires.</returns>
    Task CreateTimer(DateTime fireAt, CancellationToken cancelToken);

    /// <summary>Waits for an external event; events that arrived earlier are handed out oldest first.</summary>
    /// <typeparam name="T">The JSON-deserializable payload type.</typeparam>
    /// <param name="name">The event name (case-insensitive).</param>
    /// <returns>A durable task completing with the event payload.</returns>
    Task<T> WaitForExternalEvent<T>(string name);

    /// <summary>Waits for an external event, ignoring its payload.</summary>
    /// <param name="name">The event name (case-insensitive).</param>
    /// <returns>A durable task completing when the event arrives.</returns>
    Task WaitForExternalEvent(string name);

    /// <summary>Waits for an external event, throwing <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    /// <param name="name">The event name (case-insensitive).</param>
    /// <param name="timeout">How long to wait (a durable timer).</param>
    /// <param name="cancelToken">Cancels the timeout timer.</param>
    /// <returns>A durable task completing when the event arrives.</returns>
    Task WaitForExternalEvent(string name, TimeSpan timeout, CancellationToken cancelToken = default);

    /// <summary>Waits for an external event, throwing <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    /// <typeparam name="T">The JSON-deserializable payload type.</typeparam>
    /// <param name="name">The event name (case-insensitive).</param>
    /// <param name="timeout">How long to wait (a durable timer).</param>
    /// <param name="cancelToken">Cancels the timeout timer.</param>
    /// <returns>A durable task completing with the event payload.</returns>
    Task<T> WaitForExternalEvent<T>(string name, TimeSpan timeout, CancellationToken cancelToken = default);

    /// <summary>Waits for an external event, returning <paramref name="defaultValue"/> after <paramref name="timeout"/>.</summary>
    /// <typeparam name="T">The JSON-deserializable payload type.</typeparam>
    /// <param name="name">The event name (case-insensitive).</param>
    /// <param name="timeout">How long to wait (a durable timer).</param>
    /// <param name="defaultValue">The value returned on timeout.</param>
    /// <param name="cancelToken">Cancels the timeout timer.</param>
    /// <returns>A durable task completing with the event payload or the default value.</returns>
    Task<T> WaitForExternalEvent<T>(string name, TimeSpan timeout, T defaultValue, CancellationToken cancelToken = default);

    /// <summary>Creates a GUID that is the same on every replay.</summary>
    /// <returns>A deterministic, name-based GUID.</returns>
    Guid NewGuid();

    /// <summary>Schedules an activity function and returns its result.</summary>
    /// <remarks>Activities run at least once and are never re-run on replay: the recorded result is returned.</remarks>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="functionName">The activity function to call.</param>
    /// <param name="input">The JSON-serializable input.</param>
    /// <returns>A durable task completing with the activity's result.</returns>
    /// <exception cref="FunctionFailedException">The activity failed.</exception>
    Task<TResult> CallActivityAsync<TResult>(string functionName, object? input);

    /// <summary>Schedules an activity function and waits for it to finish.</summary>
    /// <param name="functionName">The activity function to call.</param>
    /// <param name="input">The JSON-serializable input.</param>
    /// <returns>A durable task completing when the activity completes.</returns>
    /// <exception cref="FunctionFailedException">The activity failed.</exception>
    Task CallActivityAsync(string functionName, object? input);

    /// <summary>Schedules an activity function, retrying failures on durable timers.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="functionName">The activity function to call.</param>
    /// <param name="retryOptions">The retry policy.</param>
    /// <param name="input">The JSON-serializable input.</param>
    /// <returns>A durable task completing with the activity's result.</returns>
    /// <exception cref="FunctionFailedException">Every attempt failed.</exception>
    Task<TResult> CallActivityWithRetryAsync<TResult>(string functionName, RetryOptions retryOptions, object? input);

    /// <summary>Schedules an activity function, retrying failures on durable timers.</summary>
    /// <param name="functionName">The activity function to call.</param>
    /// <param name="retryOptions">The retry policy.</param>
    /// <param name="input">The JSON-serializable input.</param>
    /// <returns>A durable task completing when the activity completes.</returns>
    /// <exception cref="FunctionFailedException">Every attempt failed.</exception>
    Task CallActivityWithRetryAsync(string functionName, RetryOptions retryOptions, object? input);
}
