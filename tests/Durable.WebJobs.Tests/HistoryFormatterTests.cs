using Durable.Core;
using Durable.Core.History;
using Durable.WebJobs.Presentation;
using Newtonsoft.Json.Linq;

namespace Durable.WebJobs.Tests;

/// <summary>History as Durable Functions' status API shows it: the fields it keeps, not a fixed subset.</summary>
public sealed class HistoryFormatterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Format_ExecutionStarted_KeepsScheduledStartTimeAndTraceContext()
    {
        // Arrange
        HistoryEvent start = new() { EventType = EventType.ExecutionStarted, Timestamp = T0, Name = "E4", Input = "\"+1\"", TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };

        // Act
        JObject json = (JObject)HistoryFormatter.Format([start], showHistoryOutput: false, showInput: true)[0];

        // Assert
        Assert.Equal("E4", (string?)json["FunctionName"]);
        Assert.Equal("\"+1\"", (string?)json["Input"]);
        Assert.True(json.ContainsKey("ScheduledStartTime"));
        Assert.Equal(JTokenType.Null, json["ScheduledStartTime"]!.Type);
        Assert.Equal(start.TraceParent, (string?)json["ParentTraceContext"]!["TraceParent"]);
    }

    [Fact]
    public void Format_TaskFailed_KeepsReasonDetailsAndFailureDetails()
    {
        // Arrange
        HistoryEvent[] history =
        [
            new() { EventType = EventType.TaskScheduled, EventId = 0, Timestamp = T0, Name = "E4_SendSmsChallenge", Input = "\"+1\"" },
            new() { EventType = EventType.TaskFailed, TaskScheduledId = 0, Timestamp = T0.AddSeconds(1), Reason = "refused", Details = "stack", ErrorType = "System.InvalidOperationException" },
        ];

        // Act
        JObject json = (JObject)Assert.Single(HistoryFormatter.Format(history, showHistoryOutput: false, showInput: true));

        // Assert
        Assert.Equal(("TaskFailed", "E4_SendSmsChallenge", "refused", "stack"), ((string?)json["EventType"], (string?)json["FunctionName"], (string?)json["Reason"], (string?)json["Details"]));
        Assert.Equal("System.InvalidOperationException", (string?)json["FailureDetails"]!["ErrorType"]);
        Assert.Equal("refused", (string?)json["FailureDetails"]!["ErrorMessage"]);
        Assert.Equal("stack", (string?)json["FailureDetails"]!["StackTrace"]);
    }

    [Fact]
    public void Format_SubOrchestration_KeepsChildInstanceIdPendingAndAnswered()
    {
        // Arrange
        HistoryEvent[] history =
        [
            new() { EventType = EventType.SubOrchestrationInstanceCreated, EventId = 0, Timestamp = T0, Name = "Child", InstanceId = "child-0", Input = "1" },
            new() { EventType = EventType.SubOrchestrationInstanceCreated, EventId = 1, Timestamp = T0, Name = "Child", InstanceId = "child-1", Input = "2" },
            new() { EventType = EventType.SubOrchestrationInstanceCompleted, TaskScheduledId = 0, Timestamp = T0.AddSeconds(1), Result = "3" },
        ];

        // Act
        JArray json = HistoryFormatter.Format(history, showHistoryOutput: true, showInput: true);

        // Assert: the pending one keeps its id; the answered one carries its child's id.
        Assert.Equal("child-1", (string?)json.Single(e => (string?)e["EventType"] == "SubOrchestrationInstanceCreated")["InstanceId"]);
        JToken completed = json.Single(e => (string?)e["EventType"] == "SubOrchestrationInstanceCompleted");
        Assert.Equal(("child-0", "Child", 3), ((string?)completed["InstanceId"], (string?)completed["FunctionName"], (int)completed["Result"]!));
    }

    [Fact]
    public void Format_FailedExecutionCompleted_KeepsFailureDetails()
    {
        // Arrange
        HistoryEvent end = new()
        {
            EventType = EventType.ExecutionCompleted, Timestamp = T0, OrchestrationStatus = OrchestrationStatus.Failed,
            Result = "\"Orchestrator function 'E4' failed: boom\"", ErrorType = "System.Exception", Details = "System.Exception: boom",
        };

        // Act
        JObject json = (JObject)HistoryFormatter.Format([end], showHistoryOutput: false, showInput: true)[0];

        // Assert
        Assert.Equal("Failed", (string?)json["OrchestrationStatus"]);
        Assert.Equal("System.Exception", (string?)json["FailureDetails"]!["ErrorType"]);
        Assert.Equal("System.Exception: boom", (string?)json["FailureDetails"]!["StackTrace"]);
        Assert.Null(json["Result"]);
    }

    [Fact]
    public void Format_EventSent_KeepsTargetNameAndInput()
    {
        // Arrange
        HistoryEvent sent = new() { EventType = EventType.EventSent, EventId = 0, Timestamp = T0, Name = "Ping", InstanceId = "other", Input = "5" };

        // Act
        JObject json = (JObject)HistoryFormatter.Format([sent], showHistoryOutput: false, showInput: true)[0];

        // Assert
        Assert.Equal(("other", "Ping", "5"), ((string?)json["InstanceId"], (string?)json["Name"], (string?)json["Input"]));
    }
}
