using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>Rewind: the one client message a finished (Failed) instance takes, and the commit that revives it.</content>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task EnqueueMessage_RewindToFailedInstance_AcceptedAndLeasedWithIt()
    {
        // Arrange
        await this.CreateWithStatusAsync("verify-1", OrchestrationStatus.Failed);
        HistoryEvent rewind = new() { EventType = EventType.ExecutionRewound, Reason = "gateway fixed", Timestamp = this.Now };

        // Act
        EnqueueResult result = await this.Store.EnqueueMessageAsync("verify-1", rewind, this.Token);

        // Assert
        Assert.Equal(EnqueueResult.Accepted, result);
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        Assert.Equal(OrchestrationStatus.Failed, item.Instance.Status);
        Assert.Equal(rewind, Assert.Single(item.Messages).Event);
    }

    [Theory]
    [InlineData(OrchestrationStatus.Completed)]
    [InlineData(OrchestrationStatus.Terminated)]
    public async Task EnqueueMessage_RewindToOtherFinishedInstance_GoneAndNothingStored(OrchestrationStatus status)
    {
        // Arrange
        await this.CreateWithStatusAsync("verify-1", status);

        // Act
        EnqueueResult result = await this.Store.EnqueueMessageAsync("verify-1", new HistoryEvent { EventType = EventType.ExecutionRewound, Timestamp = this.Now }, this.Token);

        // Assert
        Assert.Equal(EnqueueResult.Gone, result);
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Fact]
    public async Task CompleteOrchestration_RewindOfFailedInstance_RunningWithReplacedHistoryAndNoCompletedTime()
    {
        // Arrange: a Failed instance leased with its rewind message.
        await this.CreateWithStatusAsync("verify-1", OrchestrationStatus.Failed);
        await this.Store.EnqueueMessageAsync("verify-1", new HistoryEvent { EventType = EventType.ExecutionRewound, Timestamp = this.Now }, this.Token);
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        string nextExecution = NewExecutionId();
        OrchestrationCommit commit = new()
        {
            ExecutionId = nextExecution,
            NewHistory = [.. item.History.Where(e => e.EventType != EventType.ExecutionCompleted), new HistoryEvent { EventType = EventType.ExecutionRewound, Timestamp = this.Now }],
            Status = OrchestrationStatus.Running,
            UpdatedTime = this.Now,
            ConsumedMessages = [.. item.Messages.Select(m => m.SequenceNumber)],
            ActivityTasks = [new NewActivityTask("verify-1", nextExecution, "E4_SendSmsChallenge", 0, "\"+15550100\"")],
        };

        // Act
        await this.Store.CompleteOrchestrationAsync(item, commit, this.Token);

        // Assert
        InstanceRecord? record = await this.Store.GetInstanceAsync("verify-1", this.Token);
        Assert.NotNull(record);
        Assert.Equal((nextExecution, OrchestrationStatus.Running, (string?)null, (DateTimeOffset?)null), (record.ExecutionId, record.Status, record.Output, record.CompletedTime));
        Assert.Equal(commit.NewHistory, await this.Store.GetHistoryAsync("verify-1", this.Token));
        ActivityWorkItem? task = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        Assert.NotNull(task);
        await this.AssertNoOrchestrationWorkAsync();
    }
}
