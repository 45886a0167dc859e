using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>Handing back one lease by its token: the lease of a leasing write whose outcome was unknown.</content>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task ReleaseOrchestrationLease_ThatLease_LeasableAtOnceAndItsCommitRefused()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem orphan = await this.LeaseExpectedAsync("verify-1", OwnerA);

        // Act
        bool released = await this.Store.ReleaseOrchestrationLeaseAsync("verify-1", OwnerA, orphan.LeaseToken, this.Token);

        // Assert: leasable now, well before the lease would have lapsed, with the attempt counted; the old lease is gone.
        Assert.True(released);
        OrchestrationWorkItem again = await this.LeaseExpectedAsync("verify-1", OwnerB);
        Assert.Equal(orphan.Messages[0].DequeueCount + 1, again.Messages[0].DequeueCount);
        await Assert.ThrowsAsync<LeaseLostException>(() => this.Store.CompleteOrchestrationAsync(orphan, this.Episode(orphan), this.Token));
        await this.Store.CompleteOrchestrationAsync(again, this.Episode(again), this.Token);
    }

    [Fact]
    public async Task ReleaseOrchestrationLease_AnotherLeaseOfTheSameOwner_LeftAlone()
    {
        // Arrange: the token of a lease that is not on the instance (released, then leased again by the same owner).
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem first = await this.LeaseExpectedAsync("verify-1", OwnerA);
        Assert.True(await this.Store.ReleaseOrchestrationLeaseAsync("verify-1", OwnerA, first.LeaseToken, this.Token));
        OrchestrationWorkItem held = await this.LeaseExpectedAsync("verify-1", OwnerA);

        // Act
        bool released = await this.Store.ReleaseOrchestrationLeaseAsync("verify-1", OwnerA, first.LeaseToken, this.Token);

        // Assert: the live lease holds, and its commit goes through.
        Assert.False(released);
        await this.AssertNoOrchestrationWorkAsync();
        await this.Store.CompleteOrchestrationAsync(held, this.Episode(held), this.Token);
    }

    [Fact]
    public async Task ReleaseOrchestrationLease_OtherOwnersToken_LeftAlone()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem held = await this.LeaseExpectedAsync("verify-1", OwnerB);

        // Act
        bool released = await this.Store.ReleaseOrchestrationLeaseAsync("verify-1", OwnerA, held.LeaseToken, this.Token);

        // Assert
        Assert.False(released);
        await this.AssertNoOrchestrationWorkAsync();
        await this.Store.CompleteOrchestrationAsync(held, this.Episode(held), this.Token);
    }

    [Fact]
    public async Task ReleaseOrchestrationLease_UnknownInstance_False()
    {
        // Act
        bool released = await this.Store.ReleaseOrchestrationLeaseAsync("no-such-instance", OwnerA, 42, this.Token);

        // Assert
        Assert.False(released);
    }
}
