namespace Durable.Core.History;

/// <summary>
/// One entry of an instance's append-only history, or one message in its inbox (a message becomes history
/// when an episode consumes it). A single flat record rather than a class per kind: every store persists
/// it as one JSON document, and <see cref="EventType"/> says which members are meaningful.
/// </summary>
/// <remarks>
/// "Outgoing" events (TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated, EventSent) carry the
/// action's sequence number in <see cref="EventId"/>; their results point back through
/// <see cref="TaskScheduledId"/>. Incoming events have <see cref="EventId"/> −1.
/// </remarks>
public sealed record HistoryEvent
{
    /// <summary>The kind of event.</summary>
    public required EventType EventType { get; init; }

    /// <summary>Sequence number of the action that produced an outgoing event; −1 for incoming events.</summary>
    public int EventId { get; init; } = -1;

    /// <summary>When the event was created (UTC).</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Activity, orchestrator, timer-less event or sub-orchestration name, depending on the kind.</summary>
    public string? Name { get; init; }

    /// <summary>JSON payload: orchestration input, activity input, event data, or terminate/suspend reason.</summary>
    public string? Input { get; init; }

    /// <summary>JSON result of an activity, sub-orchestration or the execution itself.</summary>
    public string? Result { get; init; }

    /// <summary>For TaskCompleted/TaskFailed/SubOrchestration* results: the <see cref="EventId"/> they answer; for TimerFired: the timer id.</summary>
    public int TaskScheduledId { get; init; } = -1;

    /// <summary>Due time of a timer (TimerCreated, TimerFired).</summary>
    public DateTimeOffset? FireAt { get; init; }

    /// <summary>Failure message (TaskFailed, SubOrchestrationInstanceFailed, ExecutionCompleted when failed), or the reason of an ExecutionRewound.</summary>
    public string? Reason { get; init; }

    /// <summary>Failure details, e.g. the stack trace.</summary>
    public string? Details { get; init; }

    /// <summary>Full name of the exception type behind a failure.</summary>
    public string? ErrorType { get; init; }

    /// <summary>ExecutionStarted: the execution it starts. Messages: nothing (see the message's own ExecutionId).</summary>
    public string? ExecutionId { get; init; }

    /// <summary>SubOrchestrationInstanceCreated/EventSent: the target instance; ExecutionStarted of a child: its parent.</summary>
    public string? InstanceId { get; init; }

    /// <summary>ExecutionStarted of a sub-orchestration: the parent's TaskScheduledId to answer.</summary>
    public int? ParentTaskId { get; init; }

    /// <summary>ExecutionCompleted: the final status.</summary>
    public OrchestrationStatus? OrchestrationStatus { get; init; }

    /// <summary>
    /// W3C <c>traceparent</c> of the span that produced the event, when it was traced: on ExecutionStarted, the trace every
    /// episode of the instance joins (on any host, after restarts); on EventRaised, the raiser's span, linked from the
    /// episode that consumes it. Left out of the stored JSON when null, so untraced events are stored as before.
    /// </summary>
    [Newtonsoft.Json.JsonProperty(NullValueHandling = Newtonsoft.Json.NullValueHandling.Ignore)]
    public string? TraceParent { get; init; }
}
