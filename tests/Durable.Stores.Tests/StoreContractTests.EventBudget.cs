using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <summary>
/// <see cref="IOrchestrationStore.EnqueueEventAsync"/>: the per-instance cap on raised events, counted by the store
/// over the history and the inbox, checked and applied in the same transaction as the insert.
/// </summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task EnqueueEvent_BelowCap_AcceptedAndDelivered()
    {
        // Arrange: one event already in the history, one waiting in the inbox.
        await this.CreateAsync("verify-1");
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1"), this.Token);
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item));
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "2"), this.Token);
        HistoryEvent third = this.EventRaised("SmsChallengeResponse", "3");

        // Act
        EnqueueResult result = await this.Store.EnqueueEventAsync("verify-1", third, 3, this.Token);

        // Assert
        Assert.Equal(EnqueueResult.Accepted, result);
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        Assert.Equal(["2", "3"], item.Messages.Select(m => m.Event.Input));
    }

    [Fact]
    public async Task EnqueueEvent_AtCapCountingHistoryAndInbox_LimitReachedAndNothingStored()
    {
        // Arrange: two events in the history, one in the inbox, and a terminate request (not an event).
        await this.CreateAsync("verify-1");
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1"), this.Token);
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "2"), this.Token);
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item));
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "3"), this.Token);
        await this.Store.EnqueueMessageAsync("verify-1", new HistoryEvent { EventType = EventType.ExecutionSuspended, Timestamp = this.Now }, this.Token);

        // Act
        EnqueueResult atCap = await this.Store.EnqueueEventAsync("verify-1", this.EventRaised("SmsChallengeResponse", "4"), 3, this.Token);
        EnqueueResult belowNewCap = await this.Store.EnqueueEventAsync("verify-1", this.EventRaised("SmsChallengeResponse", "5"), 4, this.Token);

        // Assert
        Assert.Equal(EnqueueResult.LimitReached, atCap);
        Assert.Equal(EnqueueResult.Accepted, belowNewCap);
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        Assert.Equal(["3", null, "5"], item.Messages.Select(m => m.Event.Input));
    }

    [Fact]
    public async Task EnqueueEvent_UnknownInstance_NotFound()
    {
        // Act
        EnqueueResult result = await this.Store.EnqueueEventAsync("nobody", this.EventRaised("SmsChallengeResponse", "1"), 10, this.Token);

        // Assert
        Assert.Equal(EnqueueResult.NotFound, result);
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Fact]
    public async Task EnqueueEvent_TerminalInstance_GoneEvenBelowCap()
    {
        // Arrange
        await this.CreateWithStatusAsync("verify-1", OrchestrationStatus.Completed);

        // Act
        EnqueueResult result = await this.Store.EnqueueEventAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1"), 10, this.Token);

        // Assert
        Assert.Equal(EnqueueResult.Gone, result);
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Fact]
    public async Task EnqueueEvent_ManyAtOnceThroughTwoStoreObjects_NeverMoreThanCap()
    {
        // Arrange: a second store object over the same storage stands for a second host.
        await this.CreateAsync("verify-1");
        IOrchestrationStore other = await this.OpenStoreAsync(HubName);

        // Act
        EnqueueResult[] results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? this.Store : other).EnqueueEventAsync("verify-1", this.EventRaised("SmsChallengeResponse", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), 5, this.Token)));

        // Assert
        Assert.Equal(5, results.Count(r => r == EnqueueResult.Accepted));
        Assert.Equal(15, results.Count(r => r == EnqueueResult.LimitReached));
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        Assert.Equal(6, item.Messages.Count);
    }

    [Fact]
    public async Task EnqueueEvent_NotAnEvent_Throws()
    {
        // Arrange
        await this.CreateAsync("verify-1");

        // Act, Assert
        await Assert.ThrowsAsync<ArgumentException>(() => this.Store.EnqueueEventAsync("verify-1", new HistoryEvent { EventType = EventType.ExecutionTerminated, Timestamp = this.Now }, 5, this.Token));
    }
}
