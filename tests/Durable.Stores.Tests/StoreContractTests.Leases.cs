using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>Orchestration leases: exclusivity, expiry, abandon and renewal.</content>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task LeaseOrchestration_LeasedByOther_NotLeasableUntilLeaseExpires()
    {
        // Arrange
        NewInstance instance = await this.CreateAsync("verify-1");
        OrchestrationWorkItem first = await this.LeaseExpectedAsync("verify-1", OwnerA);

        // Act
        OrchestrationWorkItem? whileHeld = await this.Store.LeaseOrchestrationAsync(OwnerB, LeaseDuration, MaxMessages, this.Token);
        this.Time.Advance(LeaseDuration - TimeSpan.FromSeconds(1));
        OrchestrationWorkItem? justBeforeExpiry = await this.Store.LeaseOrchestrationAsync(OwnerB, LeaseDuration, MaxMessages, this.Token);
        this.Time.Advance(TimeSpan.FromSeconds(2));
        OrchestrationWorkItem? afterExpiry = await this.Store.LeaseOrchestrationAsync(OwnerB, LeaseDuration, MaxMessages, this.Token);

        // Assert
        Assert.Null(whileHeld);
        Assert.Null(justBeforeExpiry);
        Assert.NotNull(afterExpiry);
        Assert.Equal("verify-1", afterExpiry.Instance.InstanceId);
        Assert.Equal(OwnerB, afterExpiry.Owner);
        Assert.Equal(this.Now + LeaseDuration, afterExpiry.LeaseExpiration);
        OrchestrationMessage redelivered = Assert.Single(afterExpiry.Messages);
        Assert.Equal(instance.StartEvent, redelivered.Event);
        Assert.Equal(first.Messages[0].SequenceNumber, redelivered.SequenceNumber);
    }

    [Fact]
    public async Task LeaseOrchestration_ReleasedAfterExpiry_DequeueCountIncreases()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem first = await this.LeaseExpectedAsync("verify-1", OwnerA);
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));

        // Act
        OrchestrationWorkItem second = await this.LeaseExpectedAsync("verify-1", OwnerB);

        // Assert
        Assert.Equal(first.Messages[0].DequeueCount + 1, second.Messages[0].DequeueCount);
    }

    [Fact]
    public async Task AbandonOrchestration_RetryDelay_LeasableOnlyAfterDelayWithSameMessagesInOrder()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1", OwnerA);

        // Act
        await this.Store.AbandonOrchestrationAsync(item, TimeSpan.FromSeconds(30), this.Token);

        // Assert: a message arriving meanwhile neither brings the instance back early nor overtakes the others.
        DateTimeOffset retryAt = this.Now.AddSeconds(30);
        await this.AssertNoOrchestrationWorkAsync();
        Assert.Equal(retryAt, await this.Store.GetNextWakeUpTimeAsync(this.Token));
        this.Time.Advance(TimeSpan.FromSeconds(10));
        HistoryEvent raised = this.EventRaised("SmsChallengeResponse", "1234");
        await this.Store.EnqueueMessageAsync("verify-1", raised, this.Token);
        this.Time.Advance(TimeSpan.FromSeconds(19));
        await this.AssertNoOrchestrationWorkAsync();
        this.Time.Advance(TimeSpan.FromSeconds(2));
        OrchestrationWorkItem again = await this.LeaseExpectedAsync("verify-1", OwnerB);
        Assert.Equal([.. item.Messages.Select(m => (m.SequenceNumber, m.Event)), (again.Messages[^1].SequenceNumber, raised)], again.Messages.Select(m => (m.SequenceNumber, m.Event)));
        Assert.Equal(item.Messages[0].DequeueCount + 1, again.Messages[0].DequeueCount);
        Assert.Empty(await this.Store.GetHistoryAsync("verify-1", this.Token));
    }

    [Fact]
    public async Task AbandonOrchestration_LeaseLost_NoOp()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem stale = await this.LeaseExpectedAsync("verify-1", OwnerA);
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        OrchestrationWorkItem current = await this.LeaseExpectedAsync("verify-1", OwnerB);

        // Act
        await this.Store.AbandonOrchestrationAsync(stale, TimeSpan.FromHours(1), this.Token);

        // Assert: the new owner still holds the lease and commits normally.
        await this.AssertNoOrchestrationWorkAsync();
        Assert.True(await this.Store.RenewOrchestrationLeaseAsync(current, LeaseDuration, this.Token));
        await this.Store.CompleteOrchestrationAsync(current, this.Episode(current), this.Token);
        Assert.NotEmpty(await this.Store.GetHistoryAsync("verify-1", this.Token));
    }

    [Fact]
    public async Task RenewOrchestrationLease_Held_LeaseExtended()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1", OwnerA);
        this.Time.Advance(TimeSpan.FromMinutes(1));

        // Act
        bool renewed = await this.Store.RenewOrchestrationLeaseAsync(item, LeaseDuration, this.Token);

        // Assert
        Assert.True(renewed);
        Assert.Equal(this.Now + LeaseDuration, item.LeaseExpiration);
        this.Time.Advance(TimeSpan.FromSeconds(90));
        await this.AssertNoOrchestrationWorkAsync();
        await this.Store.CompleteOrchestrationAsync(item, this.Episode(item), this.Token);
        Assert.NotEmpty(await this.Store.GetHistoryAsync("verify-1", this.Token));
    }

    [Fact]
    public async Task RenewOrchestrationLease_LostToAnotherOwner_False()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem stale = await this.LeaseExpectedAsync("verify-1", OwnerA);
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        OrchestrationWorkItem current = await this.LeaseExpectedAsync("verify-1", OwnerB);

        // Act
        bool renewed = await this.Store.RenewOrchestrationLeaseAsync(stale, LeaseDuration, this.Token);

        // Assert
        Assert.False(renewed);
        await this.Store.CompleteOrchestrationAsync(current, this.Episode(current), this.Token);
    }
}
