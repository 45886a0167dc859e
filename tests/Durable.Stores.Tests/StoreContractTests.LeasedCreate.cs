using Durable.Core;
using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>Creating an instance leased to its creator: its first episode needs no lease call.</content>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task CreateLeasedInstance_NewId_ReturnsTheFirstEpisodeLeasedToTheCreator()
    {
        // Arrange
        NewInstance instance = this.NewInstance("verify-1");

        // Act
        OrchestrationWorkItem? item = await this.Store.CreateLeasedInstanceAsync(instance, OwnerA, LeaseDuration, this.Token);

        // Assert: the work item a lease would have brought, and nobody else can lease it.
        Assert.NotNull(item);
        Assert.Equal("verify-1", item.Instance.InstanceId);
        Assert.Equal(instance.ExecutionId, item.Instance.ExecutionId);
        Assert.Equal(OrchestrationStatus.Pending, item.Instance.Status);
        Assert.Equal(OwnerA, item.Owner);
        Assert.Equal(this.Now + LeaseDuration, item.LeaseExpiration);
        Assert.Empty(item.History);
        OrchestrationMessage start = Assert.Single(item.Messages);
        Assert.Equal(instance.StartEvent, start.Event);
        Assert.Equal(1, start.DequeueCount);
        Assert.Equal(OrchestrationStatus.Pending, (await this.Store.GetInstanceAsync("verify-1", this.Token))?.Status);
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Fact]
    public async Task CreateLeasedInstance_ItsEpisodeCommits_LikeALeasedOne()
    {
        // Arrange
        OrchestrationWorkItem? item = await this.Store.CreateLeasedInstanceAsync(this.NewInstance("verify-1"), OwnerA, LeaseDuration, this.Token);
        Assert.NotNull(item);
        this.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await this.Store.RenewOrchestrationLeaseAsync(item, LeaseDuration, this.Token));

        // Act
        await this.Store.CompleteOrchestrationAsync(item, this.Episode(item, tasks: [this.Activity(item, 0)]), this.Token);

        // Assert: the start message is consumed, the lease released, the history and the task written.
        Assert.Equal(OrchestrationStatus.Running, (await this.Store.GetInstanceAsync("verify-1", this.Token))?.Status);
        Assert.Equal(3, (await this.Store.GetHistoryAsync("verify-1", this.Token)).Count);
        await this.AssertNoOrchestrationWorkAsync();
        Assert.NotNull(await this.Store.LeaseActivityAsync(OwnerB, LeaseDuration, this.Token));
    }

    [Fact]
    public async Task CreateLeasedInstance_CreatorDies_AnotherOwnerTakesItWhenTheLeaseLapses()
    {
        // Arrange
        OrchestrationWorkItem? dead = await this.Store.CreateLeasedInstanceAsync(this.NewInstance("verify-1"), OwnerA, LeaseDuration, this.Token);
        Assert.NotNull(dead);

        // Act
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        OrchestrationWorkItem taken = await this.LeaseExpectedAsync("verify-1", OwnerB);

        // Assert: the creator's attempt counts, and its lease can no longer commit.
        Assert.Equal(dead.Messages[0].SequenceNumber, Assert.Single(taken.Messages).SequenceNumber);
        Assert.Equal(2, taken.Messages[0].DequeueCount);
        await Assert.ThrowsAsync<LeaseLostException>(() => this.Store.CompleteOrchestrationAsync(dead, this.Episode(dead), this.Token));
    }

    [Fact]
    public async Task CreateLeasedInstance_IdRunning_NullAndNothingWritten()
    {
        // Arrange
        NewInstance first = await this.CreateAsync("verify-1");

        // Act
        OrchestrationWorkItem? item = await this.Store.CreateLeasedInstanceAsync(this.NewInstance("verify-1"), OwnerA, LeaseDuration, this.Token);

        // Assert: the first instance is untouched and still leasable by anyone.
        Assert.Null(item);
        Assert.Equal(first.ExecutionId, (await this.Store.GetInstanceAsync("verify-1", this.Token))?.ExecutionId);
        OrchestrationWorkItem leased = await this.LeaseExpectedAsync("verify-1", OwnerB);
        Assert.Equal(first.StartEvent, Assert.Single(leased.Messages).Event);
    }

    [Fact]
    public async Task CreateLeasedInstance_IdFinished_ReplacedAndLeased()
    {
        // Arrange
        await this.CreateWithStatusAsync("verify-1", OrchestrationStatus.Completed);
        NewInstance again = this.NewInstance("verify-1");

        // Act
        OrchestrationWorkItem? item = await this.Store.CreateLeasedInstanceAsync(again, OwnerA, LeaseDuration, this.Token);

        // Assert
        Assert.NotNull(item);
        Assert.Equal(again.ExecutionId, item.Instance.ExecutionId);
        Assert.Equal(OrchestrationStatus.Pending, item.Instance.Status);
        Assert.Empty(item.History);
        Assert.Equal(again.StartEvent, Assert.Single(item.Messages).Event);
        Assert.Empty(await this.Store.GetHistoryAsync("verify-1", this.Token));
        await this.AssertNoOrchestrationWorkAsync();
    }
}
