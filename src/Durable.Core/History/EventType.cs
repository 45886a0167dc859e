namespace Durable.Core.History;

/// <summary>
/// Kinds of history events, in DurableTask.Core's order. Values are persisted: new kinds go at the end only.
/// </summary>
public enum EventType
{
    /// <summary>The execution began; carries name and input.</summary>
    ExecutionStarted = 0,
    /// <summary>The execution ended; carries the final status and output.</summary>
    ExecutionCompleted = 1,
    /// <summary>Legacy failure marker (kept for numbering).</summary>
    ExecutionFailed = 2,
    /// <summary>A client terminated the instance; carries the reason.</summary>
    ExecutionTerminated = 3,
    /// <summary>An activity was scheduled.</summary>
    TaskScheduled = 4,
    /// <summary>An activity returned a result.</summary>
    TaskCompleted = 5,
    /// <summary>An activity threw.</summary>
    TaskFailed = 6,
    /// <summary>A sub-orchestration was started.</summary>
    SubOrchestrationInstanceCreated = 7,
    /// <summary>A sub-orchestration completed.</summary>
    SubOrchestrationInstanceCompleted = 8,
    /// <summary>A sub-orchestration failed.</summary>
    SubOrchestrationInstanceFailed = 9,
    /// <summary>A durable timer was created.</summary>
    TimerCreated = 10,
    /// <summary>A durable timer came due.</summary>
    TimerFired = 11,
    /// <summary>An episode began; its timestamp is the orchestration's current time.</summary>
    OrchestratorStarted = 12,
    /// <summary>An episode ended.</summary>
    OrchestratorCompleted = 13,
    /// <summary>An event was sent to another instance.</summary>
    EventSent = 14,
    /// <summary>An external event arrived.</summary>
    EventRaised = 15,
    /// <summary>The execution continued as new.</summary>
    ContinueAsNew = 16,
    /// <summary>Free-form event (unused).</summary>
    GenericEvent = 17,
    /// <summary>Snapshot marker (unused).</summary>
    HistoryState = 18,
    /// <summary>A client suspended the instance.</summary>
    ExecutionSuspended = 19,
    /// <summary>A client resumed the instance.</summary>
    ExecutionResumed = 20,
    /// <summary>A client rewound a Failed instance; carries the reason. Its failed steps run again.</summary>
    ExecutionRewound = 21,
}
