using Durable.Core.History;

namespace Durable.Core.Tests.Execution;

/// <summary>Builds history events as a store would return them, so executor tests read like the history they replay.</summary>
internal static class LiteralHistory
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static HistoryEvent Episode(int secondsAfterStart) =>
        new() { EventType = EventType.OrchestratorStarted, Timestamp = T0.AddSeconds(secondsAfterStart) };

    public static HistoryEvent Started(string? inputJson) =>
        new() { EventType = EventType.ExecutionStarted, Name = "Orchestrator", Input = inputJson, ExecutionId = "exec-1", Timestamp = T0 };

    public static HistoryEvent Scheduled(int id, string name, string? inputJson = null) =>
        new() { EventType = EventType.TaskScheduled, EventId = id, Name = name, Input = inputJson, Timestamp = T0 };

    public static HistoryEvent Completed(int id, string resultJson) =>
        new() { EventType = EventType.TaskCompleted, TaskScheduledId = id, Result = resultJson, Timestamp = T0 };

    public static HistoryEvent TimerCreated(int id, DateTimeOffset fireAt) =>
        new() { EventType = EventType.TimerCreated, EventId = id, FireAt = fireAt, Timestamp = T0 };

    public static HistoryEvent Raised(string name, string? payloadJson) =>
        new() { EventType = EventType.EventRaised, Name = name, Input = payloadJson, Timestamp = T0 };

    public static HistoryEvent Suspended() => new() { EventType = EventType.ExecutionSuspended, Input = "\"paused\"", Timestamp = T0 };

    public static HistoryEvent Resumed() => new() { EventType = EventType.ExecutionResumed, Input = "\"go on\"", Timestamp = T0 };

    public static HistoryEvent Terminated(string reasonJson) => new() { EventType = EventType.ExecutionTerminated, Input = reasonJson, Timestamp = T0 };

    public static HistoryEvent EpisodeEnd() => new() { EventType = EventType.OrchestratorCompleted, Timestamp = T0 };
}
