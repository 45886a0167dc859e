using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>Releasing the leases of owners that are gone (a killed process), as a starting host does.</content>
public abstract partial class StoreContractTests
{
    private const string OwnerC = "owner-c";

    [Fact]
    public async Task ReleaseLeases_OwnerGone_ItsInstanceAndTaskLeasableAtOnceOthersKept()
    {
        // Arrange: OwnerA and OwnerB each hold one activity task and one instance.
        await this.ScheduleActivitiesAsync("verify-1", 2);
        Assert.NotNull(await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token));
        Assert.NotNull(await this.Store.LeaseActivityAsync(OwnerB, LeaseDuration, this.Token));
        await this.CreateAsync("verify-2");
        await this.CreateAsync("verify-3");
        OrchestrationWorkItem heldByA = await this.LeaseExpectedAsync("verify-2", OwnerA);
        await this.LeaseExpectedAsync("verify-3", OwnerB);
        List<string> asked = [];

        // Act
        int released = await this.Store.ReleaseLeasesAsync(
            owner =>
            {
                asked.Add(owner);
                return owner == OwnerA;
            },
            this.Token);

        // Assert: A's work is leasable now, its attempt counted; B's is still B's.
        Assert.Equal(2, released);
        Assert.Equal([OwnerA, OwnerB], asked.Distinct().Order(StringComparer.Ordinal));
        ActivityWorkItem? task = await this.Store.LeaseActivityAsync(OwnerC, LeaseDuration, this.Token);
        Assert.Equal((0, 2), (task?.Task.TaskId, task?.DequeueCount));
        Assert.Null(await this.Store.LeaseActivityAsync(OwnerC, LeaseDuration, this.Token));
        OrchestrationWorkItem again = await this.LeaseExpectedAsync("verify-2", OwnerC);
        Assert.Equal(heldByA.Messages[0].DequeueCount + 1, again.Messages[0].DequeueCount);
        await this.AssertNoOrchestrationWorkAsync();
        await Assert.ThrowsAsync<LeaseLostException>(() => this.Store.CompleteOrchestrationAsync(heldByA, this.Episode(heldByA), this.Token));
    }

    [Fact]
    public async Task ReleaseLeases_NoOwnerGone_NothingChanges()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem held = await this.LeaseExpectedAsync("verify-1", OwnerA);

        // Act
        int released = await this.Store.ReleaseLeasesAsync(_ => false, this.Token);

        // Assert
        Assert.Equal(0, released);
        await this.AssertNoOrchestrationWorkAsync();
        await this.Store.CompleteOrchestrationAsync(held, this.Episode(held), this.Token);
    }

    [Fact]
    public async Task ReleaseLeases_InstanceWaitingOutAnAbandonDelay_KeepsWaiting()
    {
        // Arrange: abandoned with a retry delay is not a lease of any process.
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1", OwnerA);
        await this.Store.AbandonOrchestrationAsync(item, TimeSpan.FromSeconds(30), this.Token);

        // Act
        int released = await this.Store.ReleaseLeasesAsync(_ => true, this.Token);

        // Assert
        Assert.Equal(0, released);
        await this.AssertNoOrchestrationWorkAsync();
        this.Time.Advance(TimeSpan.FromSeconds(31));
        await this.LeaseExpectedAsync("verify-1", OwnerB);
    }
}
