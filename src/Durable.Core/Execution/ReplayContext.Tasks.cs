using Durable.Core.History;
using Durable.Core.Serialization;
using Newtonsoft.Json;

namespace Durable.Core.Execution;

/// <summary>Durable tasks: activities, timers, sub-orchestrations and retries built on them.</summary>
internal sealed partial class ReplayContext
{
    public override Task<T> CallActivityAsync<T>(string functionName, object? input)
    {
        this.ThrowIfNotOrchestratorThread();
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        int id = this.AddAction(EventType.TaskScheduled, functionName, JsonDataConverter.Serialize(input));
        return this.OpenResultTask<T>(id, $"The activity function '{functionName}'", functionName);
    }

    public override Task<T> CallActivityWithRetryAsync<T>(string functionName, RetryPolicy retryOptions, object? input)
    {
        ArgumentNullException.ThrowIfNull(retryOptions);
        return this.WithRetryAsync(() => this.CallActivityAsync<T>(functionName, input), retryOptions);
    }

    public override Task<T> CallSubOrchestratorAsync<T>(string functionName, string? instanceId, object? input)
    {
        this.ThrowIfNotOrchestratorThread();
        ArgumentException.ThrowIfNullOrEmpty(functionName);

        // A generated child id must be the same on every replay, so it derives from the parent and the action id.
        string childId = string.IsNullOrEmpty(instanceId)
            ? $"{this.InstanceId}:{this.nextSequenceId:D4}"
            : instanceId;
        int id = this.AddAction(EventType.SubOrchestrationInstanceCreated, functionName, JsonDataConverter.Serialize(input), instanceId: childId);
        return this.OpenResultTask<T>(id, $"The orchestrator function '{functionName}'", functionName);
    }

    public override Task<T> CallSubOrchestratorWithRetryAsync<T>(string functionName, RetryPolicy retryOptions, string? instanceId, object? input)
    {
        ArgumentNullException.ThrowIfNull(retryOptions);
        return this.WithRetryAsync(() => this.CallSubOrchestratorAsync<T>(functionName, instanceId, input), retryOptions);
    }

    public override Task<T> CreateTimer<T>(DateTime fireAt, T state, CancellationToken cancelToken)
    {
        this.ThrowIfNotOrchestratorThread();
        DateTimeOffset due = fireAt.Kind == DateTimeKind.Local
            ? new DateTimeOffset(fireAt.ToUniversalTime(), TimeSpan.Zero)
            : new DateTimeOffset(DateTime.SpecifyKind(fireAt, DateTimeKind.Utc), TimeSpan.Zero);
        int id = this.AddAction(EventType.TimerCreated, null, fireAt: due);

        TaskCompletionSource<T> completion = new();
        CancellationTokenRegistration registration = default;
        this.openTasks.Add(id, _ =>
        {
            registration.Dispose();
            completion.TrySetResult(state);
        });

        if (cancelToken.CanBeCanceled)
        {
            // Cancelling only releases the local task (the TimerCreated stays in history and its TimerFired is
            // ignored later), which is what lets the instance complete without waiting for the due time.
            registration = cancelToken.Register(() =>
            {
                if (this.openTasks.Remove(id))
                {
                    completion.TrySetCanceled(cancelToken);
                }
            });
        }

        return completion.Task;
    }

    private Task<T> OpenResultTask<T>(int id, string what, string functionName)
    {
        TaskCompletionSource<T> completion = new();
        this.openTasks.Add(id, e =>
        {
            if (e.EventType is EventType.TaskFailed or EventType.SubOrchestrationInstanceFailed)
            {
                completion.SetException(new TaskFailedException(functionName, e.ErrorType, $"{what} failed: {e.Reason}", e.Details, e.Reason));
                return;
            }

            try
            {
                completion.SetResult(JsonDataConverter.Deserialize<T>(e.Result)!);
            }
            catch (JsonException ex)
            {
                completion.SetException(new InvalidOperationException($"{what} returned a result that cannot be read as {typeof(T).Name}: {ex.Message}", ex));
            }
        });
        return completion.Task;
    }

    private async Task<T> WithRetryAsync<T>(Func<Task<T>> call, RetryPolicy options)
    {
        DateTimeOffset firstAttempt = this.CurrentTime;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (TaskFailedException ex) when (attempt < options.MaxNumberOfAttempts && options.Handle(ex))
            {
                DateTimeOffset next = this.CurrentTime + options.DelayBefore(attempt);
                if (options.RetryTimeout != TimeSpan.MaxValue && next > firstAttempt + options.RetryTimeout)
                {
                    throw;
                }

                await this.CreateTimer(next.UtcDateTime, 0, CancellationToken.None);
            }
        }
    }
}
