using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>Raising an event and leasing its instance in one transaction: the episode it wakes needs no lease call.</content>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task EnqueueEventLeased_FreeInstance_ReturnsTheEpisodeWithTheWholeHistoryLeasedToTheCaller()
    {
        // Arrange: two episodes so far, the second one leased after the first (a store that caches history has it cached).
        await this.CreateAsync("verify-1");
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item));
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1"), this.Token);
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item));
        IReadOnlyList<HistoryEvent> stored = await this.Store.GetHistoryAsync("verify-1", this.Token);

        // Act
        EnqueuedEvent enqueued = await this.Store.EnqueueEventLeasedAsync("verify-1", this.EventRaised("SmsChallengeResponse", "2"), 4, OwnerA, LeaseDuration, MaxMessages, this.Token);

        // Assert: the work item a lease would have brought, and nobody else can lease the instance.
        Assert.Equal(EnqueueResult.Accepted, enqueued.Result);
        OrchestrationWorkItem? item = enqueued.WorkItem;
        Assert.NotNull(item);
        Assert.Equal("verify-1", item.Instance.InstanceId);
        Assert.Equal(OrchestrationStatus.Running, item.Instance.Status);
        Assert.Equal(OwnerA, item.Owner);
        Assert.Equal(this.Now + LeaseDuration, item.LeaseExpiration);
        Assert.Equal(stored.Select(e => (e.EventType, e.Input)), item.History.Select(e => (e.EventType, e.Input)));
        OrchestrationMessage raised = Assert.Single(item.Messages);
        Assert.Equal("2", raised.Event.Input);
        Assert.Equal(1, raised.DequeueCount);
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Fact]
    public async Task EnqueueEventLeased_ItsEpisodeCommits_LikeALeasedOne()
    {
        // Arrange
        await this.CreateWithStatusAsync("verify-1", OrchestrationStatus.Running);
        EnqueuedEvent enqueued = await this.Store.EnqueueEventLeasedAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1234"), 4, OwnerA, LeaseDuration, MaxMessages, this.Token);
        OrchestrationWorkItem item = enqueued.WorkItem ?? throw new InvalidOperationException("not leased");

        // Act
        await this.Store.CompleteOrchestrationAsync(item, this.Episode(item, OrchestrationStatus.Completed, output: "true"), this.Token);

        // Assert: the event is consumed into the history, the lease released, nothing left to lease.
        Assert.Equal(OrchestrationStatus.Completed, (await this.Store.GetInstanceAsync("verify-1", this.Token))?.Status);
        Assert.Contains(await this.Store.GetHistoryAsync("verify-1", this.Token), e => e.EventType == EventType.EventRaised && e.Input == "1234");
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Fact]
    public async Task EnqueueEventLeased_InstanceLeasedElsewhere_AcceptedForTheNextLease()
    {
        // Arrange: owner B runs an episode of the instance right now.
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem running = await this.LeaseExpectedAsync("verify-1", OwnerB);

        // Act
        EnqueuedEvent enqueued = await this.Store.EnqueueEventLeasedAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1"), 4, OwnerA, LeaseDuration, MaxMessages, this.Token);

        // Assert: stored, not leased; B's commit keeps it, and the next lease brings it.
        Assert.Equal(new EnqueuedEvent(EnqueueResult.Accepted, null), enqueued);
        await this.Store.CompleteOrchestrationAsync(running, this.Episode(running), this.Token);
        OrchestrationWorkItem next = await this.LeaseExpectedAsync("verify-1");
        Assert.Equal("1", Assert.Single(next.Messages).Event.Input);
    }

    [Fact]
    public async Task EnqueueEventLeased_CallerDies_AnotherOwnerTakesItWhenTheLeaseLapses()
    {
        // Arrange
        await this.CreateWithStatusAsync("verify-1", OrchestrationStatus.Running);
        EnqueuedEvent enqueued = await this.Store.EnqueueEventLeasedAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1"), 4, OwnerA, LeaseDuration, MaxMessages, this.Token);
        OrchestrationWorkItem dead = enqueued.WorkItem ?? throw new InvalidOperationException("not leased");

        // Act
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        OrchestrationWorkItem taken = await this.LeaseExpectedAsync("verify-1", OwnerB);

        // Assert: the caller's attempt counts, and its lease can no longer commit.
        Assert.Equal(2, Assert.Single(taken.Messages).DequeueCount);
        await Assert.ThrowsAsync<LeaseLostException>(() => this.Store.CompleteOrchestrationAsync(dead, this.Episode(dead), this.Token));
    }

    [Fact]
    public async Task EnqueueEventLeased_UnknownFinishedOrAtTheCap_AnsweredAsEnqueueEventAndNothingLeased()
    {
        // Arrange: one finished instance, and a running one whose only event allowed is in its history.
        await this.CreateWithStatusAsync("done-1", OrchestrationStatus.Completed);
        await this.CreateWithStatusAsync("verify-1", OrchestrationStatus.Running);
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1"), this.Token);
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item));

        // Act
        EnqueuedEvent unknown = await this.Store.EnqueueEventLeasedAsync("nobody", this.EventRaised("SmsChallengeResponse", "2"), 4, OwnerA, LeaseDuration, MaxMessages, this.Token);
        EnqueuedEvent gone = await this.Store.EnqueueEventLeasedAsync("done-1", this.EventRaised("SmsChallengeResponse", "2"), 4, OwnerA, LeaseDuration, MaxMessages, this.Token);
        EnqueuedEvent atCap = await this.Store.EnqueueEventLeasedAsync("verify-1", this.EventRaised("SmsChallengeResponse", "2"), 1, OwnerA, LeaseDuration, MaxMessages, this.Token);

        // Assert
        Assert.Equal(new EnqueuedEvent(EnqueueResult.NotFound, null), unknown);
        Assert.Equal(new EnqueuedEvent(EnqueueResult.Gone, null), gone);
        Assert.Equal(new EnqueuedEvent(EnqueueResult.LimitReached, null), atCap);
        await this.AssertNoOrchestrationWorkAsync();
    }
}
