using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>The activity task queue: lease, complete, abandon, renew.</content>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task LeaseActivity_NoTasks_Null()
    {
        // Act
        ActivityWorkItem? item = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);

        // Assert
        Assert.Null(item);
    }

    [Fact]
    public async Task LeaseActivity_TwoTasks_OldestFirstWithLeaseDetails()
    {
        // Arrange
        await this.ScheduleActivitiesAsync("verify-1", 2);

        // Act
        ActivityWorkItem? first = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        ActivityWorkItem? second = await this.Store.LeaseActivityAsync(OwnerB, LeaseDuration, this.Token);
        ActivityWorkItem? third = await this.Store.LeaseActivityAsync(OwnerB, LeaseDuration, this.Token);

        // Assert
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(third);
        Assert.Equal((0, OwnerA, 1, this.Now + LeaseDuration), (first.Task.TaskId, first.Owner, first.DequeueCount, first.LeaseExpiration));
        Assert.Equal((1, OwnerB, 1), (second.Task.TaskId, second.Owner, second.DequeueCount));
        Assert.True(first.SequenceNumber < second.SequenceNumber);
    }

    [Fact]
    public async Task LeaseActivity_LeasedByOther_NotLeasableUntilExpiredThenDequeueCountIncreases()
    {
        // Arrange
        await this.ScheduleActivitiesAsync("verify-1", 1);
        ActivityWorkItem? first = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        Assert.NotNull(first);

        // Act
        ActivityWorkItem? whileHeld = await this.Store.LeaseActivityAsync(OwnerB, LeaseDuration, this.Token);
        this.Time.Advance(LeaseDuration - TimeSpan.FromSeconds(1));
        ActivityWorkItem? justBeforeExpiry = await this.Store.LeaseActivityAsync(OwnerB, LeaseDuration, this.Token);
        this.Time.Advance(TimeSpan.FromSeconds(2));
        ActivityWorkItem? afterExpiry = await this.Store.LeaseActivityAsync(OwnerB, LeaseDuration, this.Token);

        // Assert
        Assert.Null(whileHeld);
        Assert.Null(justBeforeExpiry);
        Assert.NotNull(afterExpiry);
        Assert.Equal((first.SequenceNumber, OwnerB, 2), (afterExpiry.SequenceNumber, afterExpiry.Owner, afterExpiry.DequeueCount));
    }

    [Fact]
    public async Task LeaseActivity_TaskQueuedWithEarlierAttempts_FirstLeaseCountsThem()
    {
        // Arrange: a task an episode ran once inline before that episode's lease was lost, then queued by the next attempt.
        await this.CreateAsync("verify-1");
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item, tasks: [this.Activity(item, 0) with { EarlierAttempts = 1 }]));

        // Act
        ActivityWorkItem? leased = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);

        // Assert
        Assert.Equal(2, leased?.DequeueCount);
    }

    [Fact]
    public async Task LeaseActivity_FutureVisibleTime_InvisibleUntilThen()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        DateTimeOffset visible = this.Now.AddMinutes(5);
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item, tasks: [this.Activity(item, 0, visibleTime: visible)]));

        // Act
        ActivityWorkItem? early = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        this.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        ActivityWorkItem? due = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);

        // Assert
        Assert.Null(early);
        Assert.NotNull(due);
        Assert.Equal(0, due.Task.TaskId);
    }

    [Fact]
    public async Task CompleteActivity_LeaseHeld_ResultInInboxForTheExecutionAndTaskDeleted()
    {
        // Arrange
        string executionId = await this.ScheduleActivitiesAsync("verify-1", 1);
        ActivityWorkItem? task = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        Assert.NotNull(task);
        HistoryEvent result = this.TaskCompleted(task.Task.TaskId, "\"SM123\"");

        // Act
        await this.Store.CompleteActivityAsync(task, result, this.Token);

        // Assert
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        OrchestrationMessage message = Assert.Single(item.Messages);
        Assert.Equal(result, message.Event);
        Assert.Equal(executionId, message.ExecutionId);
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        await this.AssertNoActivityWorkAsync();
    }

    [Fact]
    public async Task CompleteActivity_LeaseLostToAnotherOwner_ThrowsAndWritesNothing()
    {
        // Arrange
        await this.ScheduleActivitiesAsync("verify-1", 1);
        ActivityWorkItem? stale = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        Assert.NotNull(stale);
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        ActivityWorkItem? current = await this.Store.LeaseActivityAsync(OwnerB, LeaseDuration, this.Token);
        Assert.NotNull(current);

        // Act
        await Assert.ThrowsAsync<LeaseLostException>(() => this.Store.CompleteActivityAsync(stale, this.TaskCompleted(0, "\"stale\""), this.Token));

        // Assert
        await this.AssertNoOrchestrationWorkAsync();
        await this.Store.CompleteActivityAsync(current, this.TaskCompleted(0, "\"current\""), this.Token);
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        Assert.Equal("\"current\"", Assert.Single(item.Messages).Event.Result);
    }

    [Fact]
    public async Task CompleteActivity_InstanceTerminal_ResultDroppedAndTaskDeleted()
    {
        // Arrange
        await this.ScheduleActivitiesAsync("verify-1", 1);
        ActivityWorkItem? task = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        Assert.NotNull(task);
        await this.Store.EnqueueMessageAsync("verify-1", new HistoryEvent { EventType = EventType.ExecutionTerminated, Timestamp = this.Now, Input = "\"stop\"" }, this.Token);
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item, OrchestrationStatus.Terminated, output: "\"stop\""));

        // Act
        await this.Store.CompleteActivityAsync(task, this.TaskCompleted(0, "\"late\""), this.Token);

        // Assert
        await this.AssertNoOrchestrationWorkAsync();
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        await this.AssertNoActivityWorkAsync();
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Fact]
    public async Task CompleteActivity_DifferentExecution_ResultDroppedAndTaskDeleted()
    {
        // Arrange: the instance continues as new while its activity runs.
        await this.ScheduleActivitiesAsync("verify-1", 1);
        ActivityWorkItem? task = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        Assert.NotNull(task);
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("Restart"), this.Token);
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        string nextExecution = NewExecutionId();
        await this.Store.CompleteOrchestrationAsync(
            item,
            new OrchestrationCommit
            {
                ExecutionId = nextExecution,
                NewHistory = [new HistoryEvent { EventType = EventType.ExecutionStarted, Timestamp = this.Now, Name = OrchestratorName, ExecutionId = nextExecution }],
                Status = OrchestrationStatus.Running,
                UpdatedTime = this.Now,
                ConsumedMessages = [.. item.Messages.Select(m => m.SequenceNumber)],
            },
            this.Token);

        // Act
        await this.Store.CompleteActivityAsync(task, this.TaskCompleted(0, "\"late\""), this.Token);

        // Assert
        await this.AssertNoOrchestrationWorkAsync();
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        await this.AssertNoActivityWorkAsync();
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Fact]
    public async Task AbandonActivity_RetryDelay_VisibleOnlyAfterDelay()
    {
        // Arrange
        await this.ScheduleActivitiesAsync("verify-1", 1);
        ActivityWorkItem? task = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        Assert.NotNull(task);

        // Act
        await this.Store.AbandonActivityAsync(task, TimeSpan.FromSeconds(30), this.Token);

        // Assert
        await this.AssertNoActivityWorkAsync();
        this.Time.Advance(TimeSpan.FromSeconds(29));
        await this.AssertNoActivityWorkAsync();
        this.Time.Advance(TimeSpan.FromSeconds(2));
        ActivityWorkItem? again = await this.Store.LeaseActivityAsync(OwnerB, LeaseDuration, this.Token);
        Assert.NotNull(again);
        Assert.Equal((task.SequenceNumber, 2), (again.SequenceNumber, again.DequeueCount));
    }

    [Fact]
    public async Task AbandonActivity_LeaseLost_NoOp()
    {
        // Arrange
        await this.ScheduleActivitiesAsync("verify-1", 1);
        ActivityWorkItem? stale = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        Assert.NotNull(stale);
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        ActivityWorkItem? current = await this.Store.LeaseActivityAsync(OwnerB, LeaseDuration, this.Token);
        Assert.NotNull(current);

        // Act
        await this.Store.AbandonActivityAsync(stale, TimeSpan.Zero, this.Token);

        // Assert: the new owner keeps the lease and completes normally.
        await this.AssertNoActivityWorkAsync();
        Assert.True(await this.Store.RenewActivityLeaseAsync(current, LeaseDuration, this.Token));
        await this.Store.CompleteActivityAsync(current, this.TaskCompleted(0, "\"ok\""), this.Token);
        Assert.Single((await this.LeaseExpectedAsync("verify-1")).Messages);
    }

    [Fact]
    public async Task RenewActivityLease_Held_LeaseExtended()
    {
        // Arrange
        await this.ScheduleActivitiesAsync("verify-1", 1);
        ActivityWorkItem? task = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        Assert.NotNull(task);
        this.Time.Advance(TimeSpan.FromMinutes(1));

        // Act
        bool renewed = await this.Store.RenewActivityLeaseAsync(task, LeaseDuration, this.Token);

        // Assert
        Assert.True(renewed);
        Assert.Equal(this.Now + LeaseDuration, task.LeaseExpiration);
        this.Time.Advance(TimeSpan.FromSeconds(90));
        await this.AssertNoActivityWorkAsync();
        await this.Store.CompleteActivityAsync(task, this.TaskCompleted(0, "\"ok\""), this.Token);
    }

    [Fact]
    public async Task RenewActivityLease_LostToAnotherOwner_False()
    {
        // Arrange
        await this.ScheduleActivitiesAsync("verify-1", 1);
        ActivityWorkItem? stale = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        Assert.NotNull(stale);
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        ActivityWorkItem? current = await this.Store.LeaseActivityAsync(OwnerB, LeaseDuration, this.Token);
        Assert.NotNull(current);

        // Act
        bool renewed = await this.Store.RenewActivityLeaseAsync(stale, LeaseDuration, this.Token);

        // Assert
        Assert.False(renewed);
        await this.Store.CompleteActivityAsync(current, this.TaskCompleted(0, "\"ok\""), this.Token);
    }

    /// <summary>Creates a Running instance whose first episode scheduled <paramref name="count"/> activities; returns its execution id.</summary>
    private async Task<string> ScheduleActivitiesAsync(string instanceId, int count)
    {
        NewInstance instance = await this.CreateAsync(instanceId);
        await this.RunEpisodeAsync(instanceId, item => this.Episode(item, tasks: [.. Enumerable.Range(0, count).Select(i => this.Activity(item, i))]));
        return instance.ExecutionId;
    }
}
