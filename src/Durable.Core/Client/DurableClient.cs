using System.Diagnostics;
using Durable.Core.Diagnostics;
using Durable.Core.Dispatch;
using Durable.Core.History;
using Durable.Core.Serialization;
using Durable.Core.Storage;

namespace Durable.Core.Client;

/// <summary>
/// Starts, queries and controls orchestration instances. Every write is acknowledged only after the store
/// committed it, so an acknowledged start or event survives a crash.
/// </summary>
public sealed class DurableClient
{
    private readonly IOrchestrationStore store;
    private readonly IOrchestratorInvoker orchestrators;
    private readonly TimeProvider time;
    private readonly EngineSignals signals;
    private readonly DurableTelemetry telemetry;
    private readonly Func<NewInstance, CancellationToken, Task<CreateInstanceResult>> create;
    private readonly Func<string, HistoryEvent, int, CancellationToken, Task<EnqueueResult>> raise;

    // create writes a new instance, and raise an event under the per-instance cap, each announced or leased to this host
    // (EagerLeases).
    internal DurableClient(
        string taskHubName,
        IOrchestrationStore store,
        IOrchestratorInvoker orchestrators,
        TimeProvider time,
        EngineSignals signals,
        DurableTelemetry telemetry,
        Func<NewInstance, CancellationToken, Task<CreateInstanceResult>> create,
        Func<string, HistoryEvent, int, CancellationToken, Task<EnqueueResult>> raise)
    {
        this.create = create;
        this.raise = raise;
        this.telemetry = telemetry;
        this.TaskHubName = taskHubName;
        this.store = store;
        this.orchestrators = orchestrators;
        this.time = time;
        this.signals = signals;
    }

    /// <summary>The task hub this client works on.</summary>
    public string TaskHubName { get; }

    /// <summary>
    /// Starts a new instance and returns its id. Throws <see cref="ArgumentException"/> for an unknown
    /// orchestrator or an invalid id, and <see cref="OrchestrationAlreadyExistsException"/> when the id is
    /// Pending, Running or Suspended; a finished instance with that id is replaced.
    /// </summary>
    public async Task<string> StartNewAsync(string orchestratorName, string? instanceId, object? input, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(orchestratorName);
        if (!this.orchestrators.IsOrchestrator(orchestratorName))
        {
            throw new ArgumentException($"The function '{orchestratorName}' doesn't exist, is disabled, or is not an orchestrator function.", nameof(orchestratorName));
        }

        instanceId = string.IsNullOrEmpty(instanceId) ? InstanceIds.New() : instanceId;
        if (InstanceIds.Validate(instanceId) is { } problem)
        {
            throw new ArgumentException(problem, nameof(instanceId));
        }

        // The span's context is stored on the start event: every episode, on any host, continues this trace.
        using Activity? span = DurableTelemetry.StartCreateSpan(orchestratorName, instanceId);
        DateTimeOffset now = this.time.GetUtcNow();
        string executionId = ExecutionIds.New();
        string? inputJson = JsonDataConverter.Serialize(input);
        HistoryEvent start = new()
        {
            EventType = EventType.ExecutionStarted,
            Timestamp = now,
            Name = orchestratorName,
            Input = inputJson,
            ExecutionId = executionId,
            TraceParent = DurableTelemetry.TraceParentOf(span),
        };
        NewInstance instance = new(instanceId, executionId, orchestratorName, inputJson, now, start);
        if (await this.create(instance, cancellationToken).ConfigureAwait(false) == CreateInstanceResult.AlreadyExists)
        {
            throw new OrchestrationAlreadyExistsException(instanceId);
        }

        this.telemetry.Started(orchestratorName, instanceId);
        return instanceId;
    }

    /// <summary>
    /// The instance's status, or null when it does not exist; with <paramref name="showHistory"/> its stored events
    /// (null while Pending: nothing has run), for a front to present as it shows history.
    /// </summary>
    public async Task<OrchestrationMetadata?> GetStatusAsync(string instanceId, bool showHistory = false, bool showInput = true, CancellationToken cancellationToken = default)
    {
        InstanceRecord? record = await this.store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }

        IReadOnlyList<HistoryEvent>? history = null;
        if (showHistory && record.Status != OrchestrationStatus.Pending)
        {
            history = await this.store.GetHistoryAsync(instanceId, cancellationToken).ConfigureAwait(false);
        }

        return ToStatus(record, showInput, history);
    }

    /// <summary>Delivers an event; NotFound for an unknown instance, Gone for a finished one.</summary>
    public async Task<EnqueueResult> RaiseEventAsync(string instanceId, string eventName, object? eventData, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        using Activity? span = DurableTelemetry.StartRaiseSpan(instanceId, eventName);
        HistoryEvent raised = new() { EventType = EventType.EventRaised, Name = eventName, Input = JsonDataConverter.Serialize(eventData), Timestamp = this.time.GetUtcNow(), TraceParent = DurableTelemetry.TraceParentOf(span) };
        return await this.SendAsync(instanceId, raised, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Delivers an event unless the instance already has <paramref name="maxEvents"/> raised events (LimitReached),
    /// counted by the store across every host; NotFound for an unknown instance, Gone for a finished one.
    /// </summary>
    public async Task<EnqueueResult> RaiseEventAsync(string instanceId, string eventName, object? eventData, int maxEvents, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        using Activity? span = DurableTelemetry.StartRaiseSpan(instanceId, eventName);
        HistoryEvent raised = new() { EventType = EventType.EventRaised, Name = eventName, Input = JsonDataConverter.Serialize(eventData), Timestamp = this.time.GetUtcNow(), TraceParent = DurableTelemetry.TraceParentOf(span) };
        return await this.raise(instanceId, raised, maxEvents, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Terminates an instance with a reason (its output).</summary>
    public Task<EnqueueResult> TerminateAsync(string instanceId, string? reason, CancellationToken cancellationToken = default) =>
        this.SendAsync(instanceId, new HistoryEvent { EventType = EventType.ExecutionTerminated, Input = JsonDataConverter.Serialize(reason), Timestamp = this.time.GetUtcNow() }, cancellationToken);

    /// <summary>Suspends a running instance: events are kept until it resumes. Throws when it is already suspended.</summary>
    public async Task<EnqueueResult> SuspendAsync(string instanceId, string? reason, CancellationToken cancellationToken = default)
    {
        InstanceRecord? record = await this.store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (record?.Status == OrchestrationStatus.Suspended)
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is already suspended.");
        }

        return await this.SendAsync(instanceId, new HistoryEvent { EventType = EventType.ExecutionSuspended, Input = reason, Timestamp = this.time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes a suspended instance. Throws when it is not suspended.</summary>
    public async Task<EnqueueResult> ResumeAsync(string instanceId, string? reason, CancellationToken cancellationToken = default)
    {
        InstanceRecord? record = await this.store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (record is not null && !record.Status.IsTerminal() && record.Status != OrchestrationStatus.Suspended)
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is not suspended.");
        }

        return await this.SendAsync(instanceId, new HistoryEvent { EventType = EventType.ExecutionResumed, Input = reason, Timestamp = this.time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rewinds a Failed instance, as Durable Functions does: its failed steps (activities, sub-orchestrations) run again
    /// while everything that succeeded replays from its history, which is kept; the instance is Running again once the
    /// engine has taken the request. NotFound for an unknown instance, Gone for one that finished other than Failed.
    /// Throws <see cref="InvalidOperationException"/> when the instance has not finished (only Failed ones rewind).
    /// </summary>
    public async Task<EnqueueResult> RewindAsync(string instanceId, string? reason, CancellationToken cancellationToken = default)
    {
        InstanceRecord? record = await this.store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (record is not null && !record.Status.IsTerminal())
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is {record.Status}: only orchestrations in the Failed state can be rewound.");
        }

        // The store accepts a rewind for a Failed instance only, deciding in the same transaction as the insert.
        return await this.SendAsync(instanceId, new HistoryEvent { EventType = EventType.ExecutionRewound, Reason = reason, Timestamp = this.time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a finished instance and its history; 1 if deleted, 0 if unknown or still running.</summary>
    public Task<int> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default) =>
        this.store.PurgeInstanceAsync(instanceId, cancellationToken);

    /// <summary>Deletes finished instances matching the filter; returns how many.</summary>
    public Task<int> PurgeInstancesAsync(PurgeFilter filter, CancellationToken cancellationToken = default) =>
        this.store.PurgeInstancesAsync(filter, cancellationToken);

    /// <summary>One page of statuses (without history).</summary>
    public async Task<OrchestrationMetadataPage> ListInstancesAsync(InstanceQuery query, bool showInput, CancellationToken cancellationToken = default)
    {
        InstancePage page = await this.store.QueryInstancesAsync(query, cancellationToken).ConfigureAwait(false);
        return new OrchestrationMetadataPage([.. page.Instances.Select(r => ToStatus(r, showInput, null))], page.ContinuationToken);
    }

    /// <summary>
    /// Waits until the instance is Completed, Failed, Terminated or Canceled, or <paramref name="timeout"/>
    /// passes; returns the last status seen (null if the instance does not exist).
    /// </summary>
    public async Task<OrchestrationMetadata?> WaitForCompletionAsync(string instanceId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        DateTimeOffset deadline = this.time.GetUtcNow() + timeout;

        // Watched before the first read, so a finish between the read and the wait is not missed; disposed on every
        // way out, so a wait for an instance finished elsewhere, or never, leaves nothing behind.
        FinishedWatch watch = this.signals.WhenFinished(instanceId);
        try
        {
            while (true)
            {
                OrchestrationMetadata? status = await this.GetStatusAsync(instanceId, cancellationToken: cancellationToken).ConfigureAwait(false);
                TimeSpan left = deadline - this.time.GetUtcNow();
                if (status is null || status.RuntimeStatus.IsTerminal() || left <= TimeSpan.Zero)
                {
                    return status;
                }

                if (watch.Task.IsCompleted)
                {
                    // It finished and was started again under the same id: watch the new run.
                    watch.Dispose();
                    watch = this.signals.WhenFinished(instanceId);
                }

                // Completion committed by this host wakes us at once; the short poll covers other hosts.
                TimeSpan poll = left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500);
                await Task.WhenAny(watch.Task, Task.Delay(poll, this.time, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            watch.Dispose();
        }
    }

    private async Task<EnqueueResult> SendAsync(string instanceId, HistoryEvent message, CancellationToken cancellationToken)
    {
        EnqueueResult result = await this.store.EnqueueMessageAsync(instanceId, message, cancellationToken).ConfigureAwait(false);
        if (result == EnqueueResult.Accepted)
        {
            this.signals.Orchestrations.Notify(instanceId);
        }

        return result;
    }

    private static OrchestrationMetadata ToStatus(InstanceRecord record, bool showInput, IReadOnlyList<HistoryEvent>? history) => new()
    {
        Name = record.Name,
        InstanceId = record.InstanceId,
        RuntimeStatus = record.Status,
        InputJson = showInput ? record.Input : null,
        OutputJson = record.Output,
        CustomStatusJson = record.CustomStatus,
        CreatedTime = record.CreatedTime.UtcDateTime,
        LastUpdatedTime = record.LastUpdatedTime.UtcDateTime,
        History = history,
    };
}
