using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>
/// Fencing per lease, not per owner: one host leases an instance (or task), loses the lease to expiry during a store
/// outage, and leases it again. The older lease's commit, renew and abandon must all be refused, although the owner,
/// the execution and (after the new lease) a live expiry all match.
/// </content>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task LeaseOrchestration_SameOwnerTwice_EachLeaseHasItsOwnToken()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem older = await this.LeaseExpectedAsync("verify-1", OwnerA);
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));

        // Act
        OrchestrationWorkItem newer = await this.LeaseExpectedAsync("verify-1", OwnerA);

        // Assert
        Assert.Equal(older.Owner, newer.Owner);
        Assert.NotEqual(older.LeaseToken, newer.LeaseToken);
    }

    [Fact]
    public async Task CompleteOrchestration_OlderLeaseOfSameOwner_ThrowsAndWritesNothing()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem older = await this.LeaseExpectedAsync("verify-1", OwnerA);
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        OrchestrationWorkItem newer = await this.LeaseExpectedAsync("verify-1", OwnerA);

        // Act
        await Assert.ThrowsAsync<LeaseLostException>(() => this.Store.CompleteOrchestrationAsync(older, this.Episode(older, tasks: [this.Activity(older, 0)]), this.Token));

        // Assert: nothing of the older episode was written, and the newer lease still commits.
        Assert.Empty(await this.Store.GetHistoryAsync("verify-1", this.Token));
        await this.AssertNoActivityWorkAsync();
        await this.Store.CompleteOrchestrationAsync(newer, this.Episode(newer), this.Token);
        Assert.NotEmpty(await this.Store.GetHistoryAsync("verify-1", this.Token));
    }

    [Fact]
    public async Task RenewOrchestrationLease_OlderLeaseOfSameOwner_False()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem older = await this.LeaseExpectedAsync("verify-1", OwnerA);
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        OrchestrationWorkItem newer = await this.LeaseExpectedAsync("verify-1", OwnerA);
        DateTimeOffset olderExpiration = older.LeaseExpiration;

        // Act
        bool renewed = await this.Store.RenewOrchestrationLeaseAsync(older, LeaseDuration, this.Token);

        // Assert
        Assert.False(renewed);
        Assert.Equal(olderExpiration, older.LeaseExpiration);
        await this.Store.CompleteOrchestrationAsync(newer, this.Episode(newer), this.Token);
    }

    [Fact]
    public async Task AbandonOrchestration_OlderLeaseOfSameOwner_NoOp()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem older = await this.LeaseExpectedAsync("verify-1", OwnerA);
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        OrchestrationWorkItem newer = await this.LeaseExpectedAsync("verify-1", OwnerA);

        // Act
        await this.Store.AbandonOrchestrationAsync(older, TimeSpan.Zero, this.Token);

        // Assert: the newer lease is still held (nobody else can lease it) and still commits.
        await this.AssertNoOrchestrationWorkAsync();
        Assert.True(await this.Store.RenewOrchestrationLeaseAsync(newer, LeaseDuration, this.Token));
        await this.Store.CompleteOrchestrationAsync(newer, this.Episode(newer), this.Token);
        Assert.NotEmpty(await this.Store.GetHistoryAsync("verify-1", this.Token));
    }

    [Fact]
    public async Task LeaseOrchestration_SkippedInstance_NotLeasedOthersAre()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        this.Time.Advance(TimeSpan.FromSeconds(1));
        await this.CreateAsync("verify-2");

        // Act
        OrchestrationWorkItem? item = await this.Store.LeaseOrchestrationAsync(OwnerA, LeaseDuration, MaxMessages, new HashSet<string>(StringComparer.Ordinal) { "verify-1" }, this.Token);
        OrchestrationWorkItem? none = await this.Store.LeaseOrchestrationAsync(OwnerA, LeaseDuration, MaxMessages, new HashSet<string>(StringComparer.Ordinal) { "verify-1" }, this.Token);

        // Assert
        Assert.Equal("verify-2", item?.Instance.InstanceId);
        Assert.Null(none);
        await this.LeaseExpectedAsync("verify-1", OwnerA);
    }

    [Fact]
    public async Task CompleteActivity_OlderLeaseOfSameOwner_ThrowsAndWritesNothing()
    {
        // Arrange
        (ActivityWorkItem older, ActivityWorkItem newer) = await this.LeaseActivityTwiceAsync();

        // Act
        await Assert.ThrowsAsync<LeaseLostException>(() => this.Store.CompleteActivityAsync(older, this.TaskCompleted(0, "\"older\""), this.Token));

        // Assert
        await this.AssertNoOrchestrationWorkAsync();
        await this.Store.CompleteActivityAsync(newer, this.TaskCompleted(0, "\"newer\""), this.Token);
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        Assert.Equal("\"newer\"", Assert.Single(item.Messages).Event.Result);
    }

    [Fact]
    public async Task RenewActivityLease_OlderLeaseOfSameOwner_False()
    {
        // Arrange
        (ActivityWorkItem older, ActivityWorkItem newer) = await this.LeaseActivityTwiceAsync();

        // Act
        bool renewed = await this.Store.RenewActivityLeaseAsync(older, LeaseDuration, this.Token);

        // Assert
        Assert.False(renewed);
        await this.Store.CompleteActivityAsync(newer, this.TaskCompleted(0, "\"newer\""), this.Token);
    }

    [Fact]
    public async Task AbandonActivity_OlderLeaseOfSameOwner_NoOp()
    {
        // Arrange
        (ActivityWorkItem older, ActivityWorkItem newer) = await this.LeaseActivityTwiceAsync();

        // Act
        await this.Store.AbandonActivityAsync(older, TimeSpan.Zero, this.Token);

        // Assert: the newer lease is still held and still completes.
        await this.AssertNoActivityWorkAsync();
        Assert.True(await this.Store.RenewActivityLeaseAsync(newer, LeaseDuration, this.Token));
        await this.Store.CompleteActivityAsync(newer, this.TaskCompleted(0, "\"newer\""), this.Token);
    }

    /// <summary>Schedules one activity and leases it twice as <see cref="OwnerA"/>, the first lease expiring in between.</summary>
    private async Task<(ActivityWorkItem Older, ActivityWorkItem Newer)> LeaseActivityTwiceAsync()
    {
        await this.ScheduleActivitiesAsync("verify-1", 1);
        ActivityWorkItem? older = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        Assert.NotNull(older);
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        ActivityWorkItem? newer = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        Assert.NotNull(newer);
        Assert.Equal(older.SequenceNumber, newer.SequenceNumber);
        Assert.NotEqual(older.LeaseToken, newer.LeaseToken);
        return (older, newer);
    }
}
