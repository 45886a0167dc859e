using Durable.Core.History;
using Durable.Core.Serialization;
using Microsoft.Extensions.Logging;

namespace Durable.Core.Execution;

/// <summary>
/// The engine's <see cref="OrchestrationContext"/>: turns calls into actions with sequence ids, checks
/// them against recorded history, and completes the tasks it handed out when result events are replayed.
/// Split by concern: durable tasks (<c>ReplayContext.Tasks.cs</c>) and external events (<c>ReplayContext.Events.cs</c>).
/// </summary>
internal sealed partial class ReplayContext : OrchestrationContext
{
    private readonly OrchestrationSynchronizationContext scheduler;
    private readonly SortedDictionary<int, OrchestratorAction> unmatchedActions = new();
    private readonly Dictionary<int, Action<HistoryEvent>> openTasks = new();
    private int nextSequenceId;
    private int guidCounter;
    private string? input;

    public ReplayContext(string instanceId, string name, string? parentInstanceId, OrchestrationSynchronizationContext scheduler)
    {
        this.InstanceId = instanceId;
        this.Name = name;
        this.ParentInstanceId = parentInstanceId;
        this.scheduler = scheduler;
    }

    public override string InstanceId { get; }

    public override string Name { get; }

    public override string? ParentInstanceId { get; }

    public override DateTime CurrentUtcDateTime => this.CurrentTime.UtcDateTime;

    public override bool IsReplaying => this.Replaying;

    /// <summary>Time of the OrchestratorStarted event being replayed.</summary>
    internal DateTimeOffset CurrentTime { get; set; }

    /// <summary>Whether the event being processed was already in history.</summary>
    internal bool Replaying { get; set; }

    /// <summary>Custom status JSON as last set.</summary>
    internal string? CustomStatusJson { get; private set; }

    /// <summary>Set by <see cref="ContinueAsNew"/>: (input JSON, keep unprocessed events).</summary>
    internal (string? Input, bool PreserveEvents)? ContinueAsNewRequest { get; private set; }

    /// <summary>The first determinism violation found, if any.</summary>
    internal NonDeterministicOrchestrationException? NonDeterminism { get; private set; }

    /// <summary>Durable tasks (activities, timers, sub-orchestrations) still awaiting their result event.</summary>
    internal int OpenTaskCount => this.openTasks.Count;

    /// <summary>Actions not matched by history: the episode's new work, in id order.</summary>
    internal IReadOnlyCollection<OrchestratorAction> NewActions => this.unmatchedActions.Values;

    public override T? GetInput<T>()
        where T : default
    {
        this.ThrowIfNotOrchestratorThread();
        return JsonDataConverter.Deserialize<T>(this.input);
    }

    public override void SetCustomStatus(object? customStatusObject)
    {
        this.ThrowIfNotOrchestratorThread();
        string? json = JsonDataConverter.Serialize(customStatusObject);
        if (json is not null && json.Length * sizeof(char) > 16 * 1024)
        {
            throw new ArgumentException("The custom status exceeds 16 KB of JSON.", nameof(customStatusObject));
        }

        this.CustomStatusJson = json;
    }

    public override void ContinueAsNew(object? input, bool preserveUnprocessedEvents = false)
    {
        this.ThrowIfNotOrchestratorThread();
        this.ContinueAsNewRequest = (JsonDataConverter.Serialize(input), preserveUnprocessedEvents);
    }

    public override Guid NewGuid()
    {
        this.ThrowIfNotOrchestratorThread();
        string name = string.Concat(this.InstanceId, "_", this.CurrentTime.UtcDateTime.ToString("o"), "_", (this.guidCounter++).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return NameBasedGuid.Create(NameBasedGuid.UrlNamespace, name);
    }

    public override ILogger CreateReplaySafeLogger(ILogger logger) => new ReplaySafeLogger(logger, () => this.Replaying);

    /// <summary>Records the orchestration input from ExecutionStarted.</summary>
    internal void SetInput(string? inputJson) => this.input = inputJson;

    /// <summary>Applies one recorded or new history event other than the execution-level ones.</summary>
    internal void Apply(HistoryEvent e)
    {
        switch (e.EventType)
        {
            case EventType.OrchestratorStarted:
                this.CurrentTime = e.Timestamp;
                break;
            case EventType.TaskScheduled:
            case EventType.TimerCreated:
            case EventType.SubOrchestrationInstanceCreated:
                this.MatchRecordedAction(e);
                break;
            case EventType.TaskCompleted:
            case EventType.TaskFailed:
            case EventType.TimerFired:
            case EventType.SubOrchestrationInstanceCompleted:
            case EventType.SubOrchestrationInstanceFailed:
                // An unknown id is a duplicate delivery or a cancelled timer firing: nothing waits for it.
                if (this.openTasks.Remove(e.TaskScheduledId, out Action<HistoryEvent>? complete))
                {
                    complete(e);
                }

                break;
            case EventType.EventRaised:
                this.DeliverEvent(e.Name ?? string.Empty, e.Input);
                break;
        }
    }

    private void MatchRecordedAction(HistoryEvent recorded)
    {
        if (this.NonDeterminism is not null)
        {
            return;
        }

        string recordedText = $"{recorded.EventType} #{recorded.EventId}" + (recorded.Name is null ? string.Empty : $" '{recorded.Name}'");
        if (!this.unmatchedActions.Remove(recorded.EventId, out OrchestratorAction? action))
        {
            this.NonDeterminism = new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestrator '{this.Name}' (instance '{this.InstanceId}'): history recorded {recordedText}, " +
                "but the code did not schedule it on replay. Did the orchestrator code change while instances were running, " +
                "or does it depend on the clock, random numbers, I/O or other non-replayable state?");
            return;
        }

        if (!action.Matches(recorded))
        {
            this.NonDeterminism = new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestrator '{this.Name}' (instance '{this.InstanceId}'): history recorded {recordedText}, " +
                $"but the code scheduled {action.Describe()} on replay. Did the orchestrator code change while instances were running?");
        }
    }

    private int AddAction(EventType kind, string? name, string? inputJson = null, DateTimeOffset? fireAt = null, string? instanceId = null)
    {
        int id = this.nextSequenceId++;
        this.unmatchedActions.Add(id, new OrchestratorAction(id, kind, name, inputJson, fireAt, instanceId));
        return id;
    }

    private void ThrowIfNotOrchestratorThread()
    {
        if (!this.scheduler.IsOnOrchestratorThread)
        {
            throw new InvalidOperationException(
                "Multithreaded execution was detected: orchestrator code called its context from outside the orchestrator thread. " +
                "Orchestrators must not use Task.Run, ConfigureAwait(false) on non-durable tasks, or await I/O; do that in an activity.");
        }
    }
}
