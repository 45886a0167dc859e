using Durable.Core.Diagnostics;
using Durable.Core.Execution;
using Durable.Core.History;
using Durable.Core.Serialization;
using Durable.Core.Storage;

namespace Durable.Core.Dispatch;

/// <summary>Turns an episode's outcome into history, tasks, timers and messages: one <see cref="OrchestrationCommit"/>.</summary>
internal static class CommitBuilder
{
    public static OrchestrationCommit Build(
        OrchestrationWorkItem workItem,
        IReadOnlyList<HistoryEvent> newEvents,
        EpisodeResult result,
        IReadOnlyList<long> consumed,
        DateTimeOffset now)
    {
        InstanceRecord instance = workItem.Instance;
        if (result.Status == OrchestrationStatus.ContinuedAsNew)
        {
            return ContinueAsNew(workItem, result, consumed, now);
        }

        List<HistoryEvent> history = [.. newEvents];
        List<NewActivityTask> tasks = [];
        List<NewMessage> messages = [];
        List<NewInstance> children = [];
        bool terminal = result.Status.IsTerminal();

        // A finished instance starts nothing new: actions of its last episode (say, a timer created and
        // cancelled in it) would only leave orphans behind.
        foreach (OrchestratorAction action in terminal ? [] : result.NewActions)
        {
            history.Add(ToHistory(action, now));
            switch (action.Kind)
            {
                case EventType.TaskScheduled:
                    tasks.Add(new NewActivityTask(instance.InstanceId, instance.ExecutionId, action.Name!, action.Id, action.Input));
                    break;
                case EventType.TimerCreated:
                    HistoryEvent fired = new() { EventType = EventType.TimerFired, TaskScheduledId = action.Id, FireAt = action.FireAt, Timestamp = action.FireAt!.Value };
                    messages.Add(new NewMessage(instance.InstanceId, instance.ExecutionId, fired, action.FireAt));
                    break;
                case EventType.SubOrchestrationInstanceCreated:
                    children.Add(NewChild(instance, action, now));
                    break;
            }
        }

        if (terminal)
        {
            history.Add(new HistoryEvent
            {
                EventType = EventType.ExecutionCompleted,
                Timestamp = now,
                OrchestrationStatus = result.Status,
                Result = result.Output,
                ErrorType = result.Failure?.GetType().FullName,
                Details = result.Failure?.ToString(),
            });
            if (ParentOf(workItem) is { } parent)
            {
                messages.Add(new NewMessage(parent.ParentInstanceId, null, ResultForParent(result, parent.ParentTaskId, now)));
            }
        }

        history.Add(new HistoryEvent { EventType = EventType.OrchestratorCompleted, Timestamp = now });
        return new OrchestrationCommit
        {
            ExecutionId = instance.ExecutionId,
            NewHistory = history,
            Status = result.Status,
            Input = instance.Input,
            Output = result.Output,
            CustomStatus = result.CustomStatus,
            UpdatedTime = now,
            ConsumedMessages = consumed,
            ActivityTasks = tasks,
            Messages = messages,
            NewInstances = children,
        };
    }

    /// <summary>
    /// One commit of an episode and the replay that followed it in the same lease (<see cref="InlineActivities"/>):
    /// <paramref name="first"/>'s history, messages and sub-orchestrations, then <paramref name="second"/>'s, with
    /// <paramref name="stillQueued"/> (the first's tasks that did not run inline) beside the second's tasks. When the
    /// second continued as new, the first's history and tasks belong to the execution it replaced and are left out.
    /// </summary>
    public static OrchestrationCommit Then(OrchestrationCommit first, OrchestrationCommit second, IReadOnlyList<NewActivityTask> stillQueued)
    {
        bool replaced = second.ExecutionId != first.ExecutionId;
        return second with
        {
            NewHistory = replaced ? second.NewHistory : [.. first.NewHistory, .. second.NewHistory],
            ActivityTasks = replaced ? second.ActivityTasks : [.. stillQueued, .. second.ActivityTasks],
            Messages = [.. first.Messages, .. second.Messages],
            NewInstances = [.. first.NewInstances, .. second.NewInstances],
        };
    }

    private static OrchestrationCommit ContinueAsNew(OrchestrationWorkItem workItem, EpisodeResult result, IReadOnlyList<long> consumed, DateTimeOffset now)
    {
        InstanceRecord instance = workItem.Instance;
        HistoryEvent previousStart = workItem.History.Concat(workItem.Messages.Select(m => m.Event)).First(e => e.EventType == EventType.ExecutionStarted);
        string executionId = ExecutionIds.New();
        HistoryEvent start = previousStart with { ExecutionId = executionId, Input = result.ContinueAsNewInput, Timestamp = now };

        // The new execution begins from an empty history with its start message, then any carried events.
        List<NewMessage> messages = [new NewMessage(instance.InstanceId, null, start)];
        messages.AddRange(result.CarriedEvents.Select(e => new NewMessage(
            instance.InstanceId,
            null,
            new HistoryEvent { EventType = EventType.EventRaised, Name = e.Name, Input = e.Payload, Timestamp = now })));
        return new OrchestrationCommit
        {
            ExecutionId = executionId,
            NewHistory = [],
            Status = OrchestrationStatus.ContinuedAsNew,
            Input = result.ContinueAsNewInput,
            CustomStatus = result.CustomStatus,
            UpdatedTime = now,
            ConsumedMessages = consumed,
            Messages = messages,
        };
    }

    private static HistoryEvent ToHistory(OrchestratorAction action, DateTimeOffset now) => new()
    {
        EventType = action.Kind,
        EventId = action.Id,
        Timestamp = now,
        Name = action.Name,
        Input = action.Input,
        FireAt = action.FireAt,
        InstanceId = action.InstanceId,
    };

    private static NewInstance NewChild(InstanceRecord parent, OrchestratorAction action, DateTimeOffset now)
    {
        string executionId = ExecutionIds.New();
        HistoryEvent start = new()
        {
            EventType = EventType.ExecutionStarted,
            Timestamp = now,
            Name = action.Name,
            Input = action.Input,
            ExecutionId = executionId,
            InstanceId = parent.InstanceId,
            ParentTaskId = action.Id,
            TraceParent = DurableTelemetry.EpisodeTraceParent(),
        };
        return new NewInstance(action.InstanceId!, executionId, action.Name!, action.Input, now, start, parent.InstanceId);
    }

    private static (string ParentInstanceId, int ParentTaskId)? ParentOf(OrchestrationWorkItem workItem)
    {
        HistoryEvent? start = workItem.History.Concat(workItem.Messages.Select(m => m.Event)).FirstOrDefault(e => e.EventType == EventType.ExecutionStarted);
        return start is { InstanceId: { } parentId, ParentTaskId: { } taskId } ? (parentId, taskId) : null;
    }

    private static HistoryEvent ResultForParent(EpisodeResult result, int parentTaskId, DateTimeOffset now) =>
        result.Status == OrchestrationStatus.Completed
            ? new HistoryEvent { EventType = EventType.SubOrchestrationInstanceCompleted, TaskScheduledId = parentTaskId, Result = result.Output, Timestamp = now }
            : new HistoryEvent
            {
                EventType = EventType.SubOrchestrationInstanceFailed,
                TaskScheduledId = parentTaskId,
                Reason = JsonDataConverter.Deserialize<string>(result.Output) ?? result.Status.ToString(),
                ErrorType = result.Failure?.GetType().FullName,
                Timestamp = now,
            };
}
