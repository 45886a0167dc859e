using Microsoft.Extensions.Logging;

namespace Durable.Core;

/// <summary>
/// What orchestrator code uses to reach the world. Every member is replay-safe: results come from history
/// on replay, and the code must call nothing else that is non-deterministic (clock, Guid, Random, I/O,
/// Task.Run, Task.Delay). Members throw when called from a thread other than the orchestrator's.
/// </summary>
public abstract class OrchestrationContext
{
    /// <summary>The instance id.</summary>
    public abstract string InstanceId { get; }

    /// <summary>The orchestrator function name.</summary>
    public abstract string Name { get; }

    /// <summary>The parent instance of a sub-orchestration, else null.</summary>
    public abstract string? ParentInstanceId { get; }

    /// <summary>
    /// The current time as recorded in history: the start of the episode being replayed, identical on every replay.
    /// </summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>True while already-recorded history is replayed.</summary>
    public abstract bool IsReplaying { get; }

    /// <summary>The orchestration input as <typeparamref name="T"/>.</summary>
    public abstract T? GetInput<T>();

    /// <summary>Schedules an activity and returns its result. Runs at least once; never re-run on replay.</summary>
    public abstract Task<T> CallActivityAsync<T>(string functionName, object? input);

    /// <summary>Schedules an activity, retrying failures on durable timers according to <paramref name="retryOptions"/>.</summary>
    public abstract Task<T> CallActivityWithRetryAsync<T>(string functionName, RetryPolicy retryOptions, object? input);

    /// <summary>Starts a sub-orchestration and returns its output.</summary>
    public abstract Task<T> CallSubOrchestratorAsync<T>(string functionName, string? instanceId, object? input);

    /// <summary>Starts a sub-orchestration, retrying failures on durable timers.</summary>
    public abstract Task<T> CallSubOrchestratorWithRetryAsync<T>(string functionName, RetryPolicy retryOptions, string? instanceId, object? input);

    /// <summary>
    /// A durable timer that completes with <paramref name="state"/> at <paramref name="fireAt"/> (UTC).
    /// Cancelling the token cancels the task and releases the instance; an uncancelled timer keeps the
    /// instance Running after the function returns, until it fires.
    /// </summary>
    public abstract Task<T> CreateTimer<T>(DateTime fireAt, T state, CancellationToken cancelToken);

    /// <summary>
    /// Waits for an event raised by a client. Events that arrived earlier are kept and handed out oldest
    /// first; names are case-insensitive.
    /// </summary>
    public abstract Task<T> WaitForExternalEvent<T>(string name);

    /// <summary>Waits for an event, throwing <see cref="TimeoutException"/> after <paramref name="timeout"/> (a durable timer).</summary>
    public abstract Task<T> WaitForExternalEvent<T>(string name, TimeSpan timeout, CancellationToken cancelToken);

    /// <summary>Waits for an event, returning <paramref name="defaultValue"/> after <paramref name="timeout"/>.</summary>
    public abstract Task<T> WaitForExternalEvent<T>(string name, TimeSpan timeout, T defaultValue, CancellationToken cancelToken);

    /// <summary>Sets the custom status shown by status queries (≤ 16 KB of JSON).</summary>
    public abstract void SetCustomStatus(object? customStatusObject);

    /// <summary>
    /// When the function returns, restarts the instance with <paramref name="input"/> and an empty history.
    /// With <paramref name="preserveUnprocessedEvents"/>, events received but not consumed are handed to the new execution.
    /// </summary>
    public abstract void ContinueAsNew(object? input, bool preserveUnprocessedEvents = false);

    /// <summary>A GUID that is the same on every replay (name-based over instance id, time and a counter).</summary>
    public abstract Guid NewGuid();

    /// <summary>A logger that writes only when not replaying, so each line appears once.</summary>
    public abstract ILogger CreateReplaySafeLogger(ILogger logger);
}
