using System.Globalization;
using Durable.Core;
using Durable.Core.History;
using Durable.Core.Serialization;
using Newtonsoft.Json.Linq;

namespace Durable.WebJobs.Presentation;

/// <summary>
/// Renders history the way Durable Functions' status API does: episode markers and answered schedule
/// events are dropped, results carry the function name, scheduled time (and a child's instance id), failures their
/// reason, details and FailureDetails, and outputs and inputs are included only when asked for.
/// </summary>
internal static class HistoryFormatter
{
    public static JArray Format(IReadOnlyList<HistoryEvent> history, bool showHistoryOutput, bool showInput)
    {
        Dictionary<int, HistoryEvent> scheduled = history
            .Where(e => e.EventType is EventType.TaskScheduled or EventType.SubOrchestrationInstanceCreated)
            .GroupBy(e => e.EventId)
            .ToDictionary(g => g.Key, g => g.First());
        HashSet<int> answered = [.. history
            .Where(e => e.EventType is EventType.TaskCompleted or EventType.TaskFailed or EventType.SubOrchestrationInstanceCompleted or EventType.SubOrchestrationInstanceFailed)
            .Select(e => e.TaskScheduledId)];

        JArray result = [];
        foreach (HistoryEvent e in history)
        {
            bool answeredSchedule = e.EventType is EventType.TaskScheduled or EventType.SubOrchestrationInstanceCreated && answered.Contains(e.EventId);
            if (e.EventType is EventType.OrchestratorStarted or EventType.OrchestratorCompleted || answeredSchedule)
            {
                continue;
            }

            result.Add(FormatEvent(e, scheduled, showHistoryOutput, showInput));
        }

        return result;
    }

    private static JObject FormatEvent(HistoryEvent e, Dictionary<int, HistoryEvent> scheduled, bool showHistoryOutput, bool showInput)
    {
        JObject json = new() { ["EventType"] = e.EventType.ToString() };
        switch (e.EventType)
        {
            case EventType.ExecutionStarted:
                json["FunctionName"] = e.Name;
                AddInput(json, e.Input, showInput);

                // Kept by Durable Functions; this engine has no scheduled start, so always null.
                json["ScheduledStartTime"] = null;
                if (e.TraceParent is not null)
                {
                    json["ParentTraceContext"] = new JObject { ["TraceParent"] = e.TraceParent, ["TraceState"] = null };
                }

                break;
            case EventType.TaskScheduled:
            case EventType.SubOrchestrationInstanceCreated:
            case EventType.EventSent:
                json["Name"] = e.Name;
                if (e.InstanceId is not null)
                {
                    json["InstanceId"] = e.InstanceId;
                }

                AddInput(json, e.Input, showInput);
                break;
            case EventType.TaskCompleted:
            case EventType.TaskFailed:
            case EventType.SubOrchestrationInstanceCompleted:
            case EventType.SubOrchestrationInstanceFailed:
                if (scheduled.TryGetValue(e.TaskScheduledId, out HistoryEvent? cause))
                {
                    json["FunctionName"] = cause.Name;
                    json["ScheduledTime"] = FormatTime(cause.Timestamp);
                    AddInput(json, cause.Input, showInput);
                    if (cause.InstanceId is not null)
                    {
                        // The answered creation is dropped, as in Durable Functions; its child's id is not.
                        json["InstanceId"] = cause.InstanceId;
                    }
                }

                if (e.EventType is EventType.TaskFailed or EventType.SubOrchestrationInstanceFailed)
                {
                    json["Reason"] = e.Reason;
                    json["Details"] = e.Details;
                    json["FailureDetails"] = FailureDetails(e.ErrorType, e.Reason, e.Details);
                }
                else if (showHistoryOutput)
                {
                    json["Result"] = JsonDataConverter.ToToken(e.Result);
                }

                break;
            case EventType.ExecutionCompleted:
                json["OrchestrationStatus"] = e.OrchestrationStatus?.ToString();
                json["FailureDetails"] = e.OrchestrationStatus == OrchestrationStatus.Failed
                    ? FailureDetails(e.ErrorType, JsonDataConverter.ToToken(e.Result) is JValue { Type: JTokenType.String } message ? (string?)message : e.Result, e.Details)
                    : null;
                if (showHistoryOutput)
                {
                    json["Result"] = JsonDataConverter.ToToken(e.Result);
                }

                break;
            case EventType.TimerCreated:
            case EventType.TimerFired:
                json["FireAt"] = e.FireAt is { } fireAt ? FormatTime(fireAt) : null;
                break;
            case EventType.EventRaised:
                json["Name"] = e.Name;
                AddInput(json, e.Input, showInput);
                break;
            case EventType.ExecutionTerminated:
                AddInput(json, e.Input, showInput);
                break;
            case EventType.ExecutionSuspended:
            case EventType.ExecutionResumed:
                json["Reason"] = e.Input;
                break;
            case EventType.ExecutionRewound:
                json["Reason"] = e.Reason;
                break;
        }

        json["Timestamp"] = FormatTime(e.Timestamp);
        return json;
    }

    /// <summary>DurableTask.Core's FailureDetails shape; null when nothing is known of the failure.</summary>
    private static JObject? FailureDetails(string? errorType, string? message, string? stackTrace) =>
        errorType is null && message is null && stackTrace is null
            ? null
            : new JObject { ["ErrorType"] = errorType, ["ErrorMessage"] = message, ["StackTrace"] = stackTrace };

    private static void AddInput(JObject json, string? input, bool showInput)
    {
        if (showInput)
        {
            json["Input"] = input;
        }
    }

    private static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
