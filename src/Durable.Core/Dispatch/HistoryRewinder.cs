using Durable.Core.History;

namespace Durable.Core.Dispatch;

/// <summary>
/// The history a rewound instance replays, as DurableTask.Core's rewind builds it: every event is kept except the
/// execution's end and the failed steps (a TaskFailed or SubOrchestrationInstanceFailed and the event that scheduled
/// it), so on replay the orchestrator schedules those steps again while everything that succeeded replays from history.
/// </summary>
/// <remarks>
/// Two removals go beyond DurableTask.Core, because results for a finished execution are dropped by this engine: steps
/// still unanswered when the instance failed (an activity or a timer whose answer was discarded) are removed as well, so
/// they are scheduled again instead of waited for forever. A failed sub-orchestration is started again from the start
/// (a new child with the same id), where DurableTask.Core rewinds the child's own history.
/// </remarks>
internal static class HistoryRewinder
{
    /// <summary>The rewound history of <paramref name="history"/>, started under <paramref name="newExecutionId"/>.</summary>
    public static List<HistoryEvent> Rewind(IReadOnlyList<HistoryEvent> history, string newExecutionId)
    {
        HashSet<int> answered = [];
        HashSet<int> failed = [];
        foreach (HistoryEvent e in history)
        {
            switch (e.EventType)
            {
                case EventType.TaskCompleted:
                case EventType.SubOrchestrationInstanceCompleted:
                case EventType.TimerFired:
                    answered.Add(e.TaskScheduledId);
                    break;
                case EventType.TaskFailed:
                case EventType.SubOrchestrationInstanceFailed:
                    failed.Add(e.TaskScheduledId);
                    break;
            }
        }

        List<HistoryEvent> rewound = [];
        foreach (HistoryEvent e in history)
        {
            bool schedule = e.EventType is EventType.TaskScheduled or EventType.SubOrchestrationInstanceCreated or EventType.TimerCreated;
            bool redo = schedule && (failed.Contains(e.EventId) || !answered.Contains(e.EventId));
            if (redo || e.EventType is EventType.TaskFailed or EventType.SubOrchestrationInstanceFailed or EventType.ExecutionCompleted)
            {
                continue;
            }

            rewound.Add(e.EventType == EventType.ExecutionStarted ? e with { ExecutionId = newExecutionId } : e);
        }

        return rewound;
    }
}
