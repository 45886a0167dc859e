namespace Durable.Core.History;

/// <summary>
/// Kinds of history events, in DurableTask.Core's order. Values are persisted: new kinds go at the end only.
/// </summary>
public enum EventType
{
    ExecutionStarted = 0,
    ExecutionCompleted = 1,
    ExecutionFailed = 2,
    ExecutionTerminated = 3,
    TaskScheduled = 4,
    TaskCompleted = 5,
    TaskFailed = 6,
    SubOrchestrationInstanceCreated = 7,
    SubOrchestrationInstanceCompleted = 8,
    SubOrchestrationInstanceFailed = 9,
    TimerCreated = 10,
    TimerFired = 11,
    OrchestratorStarted = 12,
    OrchestratorCompleted = 13,
    EventSent = 14,
    EventRaised = 15,
    ContinueAsNew = 16,
    GenericEvent = 17,
    HistoryState = 18,
    ExecutionSuspended = 19,
    ExecutionResumed = 20,
    ExecutionRewound = 21,
}
