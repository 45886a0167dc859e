using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>
/// What a lease says about the work it left: a dispatcher asks again at once only when more was leasable beside the
/// item it took, so a store must never say "none" while some was, and should not say "more" for work nobody can lease
/// now (held by a live lease, skipped by the caller, or not visible yet).
/// </content>
public abstract partial class StoreContractTests
{
    /// <summary>
    /// Whether the store looks for more orchestration work when it leases (one that does not always says there may be
    /// more, which costs the dispatcher an extra lease but never misses work).
    /// </summary>
    protected virtual bool LooksForMoreOrchestrationWork => true;

    [Fact]
    public async Task LeaseOrchestration_OnlyInstanceWithWork_NoMoreWorkVisible()
    {
        // Arrange
        await this.CreateAsync("verify-1");

        // Act
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");

        // Assert
        Assert.Equal(!this.LooksForMoreOrchestrationWork, item.MoreWorkVisible);
    }

    [Fact]
    public async Task LeaseOrchestration_AnotherInstanceWithWork_MoreWorkVisibleUntilTheLastIsLeased()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        await this.CreateAsync("verify-2");

        // Act
        OrchestrationWorkItem first = await this.LeaseExpectedAsync("verify-1");
        OrchestrationWorkItem second = await this.LeaseExpectedAsync("verify-2", OwnerB);

        // Assert
        Assert.True(first.MoreWorkVisible);
        Assert.Equal(!this.LooksForMoreOrchestrationWork, second.MoreWorkVisible);
    }

    [Fact]
    public async Task LeaseOrchestration_OtherWorkHeldSkippedOrNotYetVisible_NoMoreWorkVisible()
    {
        // Arrange: verify-1 has only a timer due in a minute; verify-2 is held by a live lease and has a new message;
        // verify-3 is skipped by the caller; verify-4 is the one to lease.
        await this.CreateAsync("verify-1");
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item, messages: [this.TimerFor(item, this.Now.AddMinutes(1))]));
        await this.CreateAsync("verify-2");
        await this.LeaseExpectedAsync("verify-2", OwnerB);
        await this.Store.EnqueueMessageAsync("verify-2", this.EventRaised("SmsChallengeResponse", "1234"), this.Token);
        await this.CreateAsync("verify-3");
        await this.CreateAsync("verify-4");

        // Act
        OrchestrationWorkItem? item = await this.Store.LeaseOrchestrationAsync(OwnerA, LeaseDuration, MaxMessages, new HashSet<string> { "verify-3" }, this.Token);

        // Assert
        Assert.NotNull(item);
        Assert.Equal("verify-4", item.Instance.InstanceId);
        Assert.Equal(!this.LooksForMoreOrchestrationWork, item.MoreWorkVisible);
    }

    [Fact]
    public async Task LeaseOrchestration_MoreMessagesThanTakenForTheSameInstance_NoMoreWorkVisible()
    {
        // Arrange: the instance has three messages and the lease takes two at most.
        await this.CreateAsync("verify-1");
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1"), this.Token);
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "2"), this.Token);

        // Act
        OrchestrationWorkItem? item = await this.Store.LeaseOrchestrationAsync(OwnerA, LeaseDuration, 2, this.Token);

        // Assert: the third waits for this lease to end, and the dispatcher looks again then, so it is not "more" now.
        Assert.NotNull(item);
        Assert.Equal(2, item.Messages.Count);
        Assert.Equal(!this.LooksForMoreOrchestrationWork, item.MoreWorkVisible);
    }

    [Fact]
    public async Task LeaseActivity_AnotherTaskVisible_MoreWorkVisibleUntilTheLastIsLeased()
    {
        // Arrange
        await this.ScheduleActivitiesAsync("verify-1", 2);

        // Act
        ActivityWorkItem? first = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        ActivityWorkItem? second = await this.Store.LeaseActivityAsync(OwnerB, LeaseDuration, this.Token);

        // Assert
        Assert.True(first?.MoreWorkVisible);
        Assert.False(second?.MoreWorkVisible);
    }

    [Fact]
    public async Task LeaseActivity_OtherTaskNotYetVisible_NoMoreWorkVisible()
    {
        // Arrange: a retry waiting a minute beside a task to run now.
        await this.CreateAsync("verify-1");
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item, tasks: [this.Activity(item, 0, visibleTime: this.Now.AddMinutes(1)), this.Activity(item, 1)]));

        // Act
        ActivityWorkItem? item = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);

        // Assert
        Assert.Equal(1, item?.Task.TaskId);
        Assert.False(item?.MoreWorkVisible);
    }

    private NewMessage TimerFor(OrchestrationWorkItem item, DateTimeOffset fireAt) =>
        new(item.Instance.InstanceId, item.Instance.ExecutionId, this.TimerFired(1, fireAt), fireAt);
}
