using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>Orchestration commits: history, messages, tasks, timers, children, fencing, continue-as-new.</content>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task CompleteOrchestration_SeveralEpisodes_HistoryAppendedAndLeasedInOrder()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationCommit first = await this.RunEpisodeAsync("verify-1", item => this.Episode(item, customStatus: "\"sent\""));
        this.Time.Advance(TimeSpan.FromSeconds(10));
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1234"), this.Token);

        // Act
        OrchestrationCommit second = await this.RunEpisodeAsync("verify-1", item => this.Episode(item, customStatus: "\"checked\""));

        // Assert
        List<HistoryEvent> expected = [.. first.NewHistory, .. second.NewHistory];
        Assert.Equal(expected, await this.Store.GetHistoryAsync("verify-1", this.Token));
        InstanceRecord? record = await this.Store.GetInstanceAsync("verify-1", this.Token);
        Assert.NotNull(record);
        Assert.Equal(OrchestrationStatus.Running, record.Status);
        Assert.Equal("\"checked\"", record.CustomStatus);
        Assert.Equal(this.Now, record.LastUpdatedTime);
        Assert.Null(record.CompletedTime);
        Assert.Null(record.Output);
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "5678"), this.Token);
        OrchestrationWorkItem third = await this.LeaseExpectedAsync("verify-1");
        Assert.Equal(expected, third.History);
        Assert.Equal(record, third.Instance);
    }

    [Fact]
    public async Task CompleteOrchestration_Terminal_RowFinishedWithOutput()
    {
        // Arrange
        NewInstance instance = await this.CreateAsync("verify-1");
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        this.Time.Advance(TimeSpan.FromSeconds(3));

        // Act
        await this.Store.CompleteOrchestrationAsync(item, this.Episode(item, OrchestrationStatus.Completed, output: "true", customStatus: "\"ok\""), this.Token);

        // Assert
        InstanceRecord expected = new(
            "verify-1", instance.ExecutionId, OrchestratorName, OrchestrationStatus.Completed, instance.Input,
            "true", "\"ok\"", instance.CreatedTime, this.Now, this.Now, null);
        Assert.Equal(expected, await this.Store.GetInstanceAsync("verify-1", this.Token));
    }

    [Fact]
    public async Task CompleteOrchestration_ConsumedSubset_DeletesExactlyTheConsumedMessages()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("A"), this.Token);
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("B"), this.Token);
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        Assert.Equal(3, item.Messages.Count);

        // Act
        await this.Store.CompleteOrchestrationAsync(item, this.Episode(item, consumed: [item.Messages[0].SequenceNumber, item.Messages[2].SequenceNumber]), this.Token);

        // Assert
        OrchestrationWorkItem next = await this.LeaseExpectedAsync("verify-1", OwnerB);
        OrchestrationMessage left = Assert.Single(next.Messages);
        Assert.Equal(item.Messages[1].SequenceNumber, left.SequenceNumber);
        Assert.Equal("A", left.Event.Name);
    }

    [Fact]
    public async Task CompleteOrchestration_MessageEnqueuedDuringLease_SurvivesAndInstanceLeasableAgain()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        HistoryEvent late = this.EventRaised("SmsChallengeResponse", "1234");
        Assert.Equal(EnqueueResult.Accepted, await this.Store.EnqueueMessageAsync("verify-1", late, this.Token));

        // Act
        await this.Store.CompleteOrchestrationAsync(item, this.Episode(item), this.Token);

        // Assert
        OrchestrationWorkItem next = await this.LeaseExpectedAsync("verify-1", OwnerB);
        Assert.Equal(late, Assert.Single(next.Messages).Event);
    }

    [Fact]
    public async Task CompleteOrchestration_ActivityTasks_WrittenAndLeasable()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");

        // Act
        await this.Store.CompleteOrchestrationAsync(item, this.Episode(item, tasks: [this.Activity(item, 0, "First"), this.Activity(item, 1, "Second")]), this.Token);

        // Assert
        ActivityWorkItem? first = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        ActivityWorkItem? second = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Equal(("verify-1", item.Instance.ExecutionId, "First", 0, "\"+15550100\""), (first.Task.InstanceId, first.Task.ExecutionId, first.Task.Name, first.Task.TaskId, first.Task.Input));
        Assert.Equal(("Second", 1), (second.Task.Name, second.Task.TaskId));
        await this.AssertNoActivityWorkAsync();
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Fact]
    public async Task CompleteOrchestration_TimerMessage_InvisibleUntilDueThenLeasable()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        DateTimeOffset fireAt = this.Now.AddSeconds(90);
        HistoryEvent fired = this.TimerFired(1, fireAt);

        // Act
        await this.Store.CompleteOrchestrationAsync(item, this.Episode(item, messages: [new NewMessage("verify-1", item.Instance.ExecutionId, fired, fireAt)]), this.Token);

        // Assert
        await this.AssertNoOrchestrationWorkAsync();
        this.Time.Advance(TimeSpan.FromSeconds(89));
        await this.AssertNoOrchestrationWorkAsync();
        this.Time.Advance(TimeSpan.FromSeconds(2));
        OrchestrationWorkItem next = await this.LeaseExpectedAsync("verify-1", OwnerB);
        OrchestrationMessage message = Assert.Single(next.Messages);
        Assert.Equal(fired, message.Event);
        Assert.Equal(item.Instance.ExecutionId, message.ExecutionId);
        Assert.Equal(fireAt, message.VisibleTime);
    }

    [Fact]
    public async Task CompleteOrchestration_MessageToOtherInstance_DeliveredToIt()
    {
        // Arrange
        await this.CreateWithStatusAsync("target", OrchestrationStatus.Running);
        await this.CreateAsync("sender");
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("sender");
        HistoryEvent sent = this.EventRaised("Ping", "42");

        // Act
        await this.Store.CompleteOrchestrationAsync(item, this.Episode(item, messages: [new NewMessage("target", null, sent)]), this.Token);

        // Assert
        OrchestrationWorkItem target = await this.LeaseExpectedAsync("target", OwnerB);
        OrchestrationMessage message = Assert.Single(target.Messages);
        Assert.Equal(sent, message.Event);
        Assert.Null(message.ExecutionId);
    }

    [Fact]
    public async Task CompleteOrchestration_MessageToUnknownInstance_Dropped()
    {
        // Arrange
        await this.CreateAsync("sender");
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("sender");

        // Act
        await this.Store.CompleteOrchestrationAsync(item, this.Episode(item, messages: [new NewMessage("nobody", null, this.EventRaised("Ping"))]), this.Token);

        // Assert
        Assert.Null(await this.Store.GetInstanceAsync("nobody", this.Token));
        await this.AssertNoOrchestrationWorkAsync();
        Assert.Equal(EnqueueResult.NotFound, await this.Store.EnqueueMessageAsync("nobody", this.EventRaised("Ping"), this.Token));
    }

    [Fact]
    public async Task CompleteOrchestration_NewInstances_ChildrenPendingWithStartMessage()
    {
        // Arrange
        await this.CreateAsync("parent");
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("parent");
        NewInstance child = this.NewInstance("parent:0001", "\"child input\"", parentInstanceId: "parent");

        // Act
        await this.Store.CompleteOrchestrationAsync(item, this.Episode(item, children: [child]), this.Token);

        // Assert
        InstanceRecord expected = new(
            "parent:0001", child.ExecutionId, OrchestratorName, OrchestrationStatus.Pending, "\"child input\"",
            null, null, child.CreatedTime, child.CreatedTime, null, "parent");
        Assert.Equal(expected, await this.Store.GetInstanceAsync("parent:0001", this.Token));
        OrchestrationWorkItem childItem = await this.LeaseExpectedAsync("parent:0001", OwnerB);
        Assert.Equal(child.StartEvent, Assert.Single(childItem.Messages).Event);
        Assert.Empty(childItem.History);
    }

    [Fact]
    public async Task CompleteOrchestration_TerminalWithPendingTimer_TimerRowDeleted()
    {
        // Arrange: the first episode leaves a 90-second timer; the second completes without waiting for it.
        await this.CreateAsync("verify-1");
        await this.RunEpisodeAsync("verify-1", item => this.Episode(
            item,
            messages: [new NewMessage("verify-1", item.Instance.ExecutionId, this.TimerFired(1, this.Now.AddSeconds(90)), this.Now.AddSeconds(90))]));
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1234"), this.Token);
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");

        // Act
        await this.Store.CompleteOrchestrationAsync(item, this.Episode(item, OrchestrationStatus.Completed, output: "true"), this.Token);

        // Assert
        this.Time.Advance(TimeSpan.FromSeconds(91));
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Fact]
    public async Task CompleteOrchestration_LeaseLostToAnotherOwner_ThrowsAndWritesNothing()
    {
        // Arrange
        NewInstance instance = await this.CreateAsync("verify-1");
        InstanceRecord? before = await this.Store.GetInstanceAsync("verify-1", this.Token);
        OrchestrationWorkItem stale = await this.LeaseExpectedAsync("verify-1", OwnerA);
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        OrchestrationWorkItem current = await this.LeaseExpectedAsync("verify-1", OwnerB);
        OrchestrationCommit commit = this.Episode(
            stale,
            OrchestrationStatus.Completed,
            tasks: [this.Activity(stale, 0)],
            messages: [new NewMessage("verify-1", stale.Instance.ExecutionId, this.TimerFired(1, this.Now), this.Now)],
            children: [this.NewInstance("verify-1:child", parentInstanceId: "verify-1")],
            output: "true");

        // Act
        await Assert.ThrowsAsync<LeaseLostException>(() => this.Store.CompleteOrchestrationAsync(stale, commit, this.Token));

        // Assert
        Assert.Equal(before, await this.Store.GetInstanceAsync("verify-1", this.Token));
        Assert.Empty(await this.Store.GetHistoryAsync("verify-1", this.Token));
        Assert.Null(await this.Store.GetInstanceAsync("verify-1:child", this.Token));
        await this.AssertNoActivityWorkAsync();
        OrchestrationCommit redo = this.Episode(current);
        await this.Store.CompleteOrchestrationAsync(current, redo, this.Token);
        Assert.Equal(redo.NewHistory, await this.Store.GetHistoryAsync("verify-1", this.Token));
        Assert.Equal(instance.StartEvent, redo.NewHistory[1]);
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Fact]
    public async Task CompleteOrchestration_ContinueAsNew_HistoryReplaced()
    {
        // Arrange
        await this.CreateWithStatusAsync("verify-1", OrchestrationStatus.Running);
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("Restart"), this.Token);
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        string nextExecution = NewExecutionId();
        OrchestrationCommit commit = new()
        {
            ExecutionId = nextExecution,
            NewHistory =
            [
                new HistoryEvent { EventType = EventType.OrchestratorStarted, Timestamp = this.Now },
                new HistoryEvent { EventType = EventType.ExecutionStarted, Timestamp = this.Now, Name = OrchestratorName, Input = "\"next\"", ExecutionId = nextExecution },
                new HistoryEvent { EventType = EventType.OrchestratorCompleted, Timestamp = this.Now },
            ],
            Status = OrchestrationStatus.Running,
            Input = "\"next\"",
            UpdatedTime = this.Now,
            ConsumedMessages = [.. item.Messages.Select(m => m.SequenceNumber)],
        };

        // Act
        await this.Store.CompleteOrchestrationAsync(item, commit, this.Token);

        // Assert
        Assert.Equal(commit.NewHistory, await this.Store.GetHistoryAsync("verify-1", this.Token));
        InstanceRecord? record = await this.Store.GetInstanceAsync("verify-1", this.Token);
        Assert.NotNull(record);
        Assert.Equal((nextExecution, "\"next\"", OrchestrationStatus.Running), (record.ExecutionId, record.Input, record.Status));
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("Again"), this.Token);
        OrchestrationWorkItem next = await this.LeaseExpectedAsync("verify-1");
        Assert.Equal(commit.NewHistory, next.History);
        Assert.Equal(nextExecution, next.Instance.ExecutionId);
    }

    [Fact]
    public async Task CompleteOrchestration_ContinueAsNewLeaseLost_OldHistoryKept()
    {
        // Arrange: a first episode's history, then a continue-as-new by a lease that lapsed and was taken over.
        await this.CreateAsync("verify-1");
        OrchestrationCommit first = await this.RunEpisodeAsync("verify-1", item => this.Episode(item));
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("Restart"), this.Token);
        OrchestrationWorkItem stale = await this.LeaseExpectedAsync("verify-1", OwnerA);
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        OrchestrationWorkItem current = await this.LeaseExpectedAsync("verify-1", OwnerB);
        OrchestrationCommit restart = new()
        {
            ExecutionId = NewExecutionId(),
            NewHistory = [new HistoryEvent { EventType = EventType.OrchestratorStarted, Timestamp = this.Now }],
            Status = OrchestrationStatus.Running,
            UpdatedTime = this.Now,
            ConsumedMessages = [.. stale.Messages.Select(m => m.SequenceNumber)],
        };

        // Act
        await Assert.ThrowsAsync<LeaseLostException>(() => this.Store.CompleteOrchestrationAsync(stale, restart, this.Token));

        // Assert: the old execution's history is whole, for the store and for the lease that holds it.
        Assert.Equal(first.NewHistory, await this.Store.GetHistoryAsync("verify-1", this.Token));
        Assert.Equal(first.NewHistory, current.History);
        InstanceRecord? record = await this.Store.GetInstanceAsync("verify-1", this.Token);
        Assert.Equal(stale.Instance.ExecutionId, record?.ExecutionId);
    }

    [Fact]
    public async Task LeaseOrchestration_AfterAnotherProcessCommitted_HistoryHasItsEvents()
    {
        // Arrange: this store leases (a store may keep parsed history between leases), then a second store object
        // over the same data (another process) runs an episode of the same instance.
        await this.CreateAsync("verify-1");
        OrchestrationCommit first = await this.RunEpisodeAsync("verify-1", item => this.Episode(item, customStatus: "\"sent\""));
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1111"), this.Token);
        IOrchestrationStore other = await this.OpenStoreAsync(HubName);
        OrchestrationWorkItem viaOther = await this.LeaseExpectedAsync("verify-1", OwnerB, other);
        OrchestrationCommit second = this.Episode(viaOther, customStatus: "\"checked\"");
        await other.CompleteOrchestrationAsync(viaOther, second, this.Token);
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "2222"), this.Token);

        // Act
        OrchestrationWorkItem third = await this.LeaseExpectedAsync("verify-1");

        // Assert
        Assert.Equal([.. first.NewHistory, .. second.NewHistory], third.History);
    }

    [Fact]
    public async Task LeaseOrchestration_AfterPurgeAndNewStartWithSameId_HistoryIsTheNewOnly()
    {
        // Arrange: one execution ran to completion and was read by a lease; then the id is purged and started again,
        // even with the same execution id (the engine never reuses one; a cache keyed on it must not rely on that).
        NewInstance original = await this.CreateAsync("verify-1");
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item));
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1111"), this.Token);
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item, OrchestrationStatus.Completed, output: "true"));
        Assert.Equal(1, await this.Store.PurgeInstanceAsync("verify-1", this.Token));
        Assert.Equal(CreateInstanceResult.Created, await this.Store.CreateInstanceAsync(this.NewInstance("verify-1", executionId: original.ExecutionId), this.Token));

        // Act
        OrchestrationWorkItem fresh = await this.LeaseExpectedAsync("verify-1");

        // Assert
        Assert.Empty(fresh.History);
        Assert.Equal(EventType.ExecutionStarted, Assert.Single(fresh.Messages).Event.EventType);
    }
}
