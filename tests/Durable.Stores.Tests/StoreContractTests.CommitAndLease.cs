using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>An episode's commit that leases its instance again for what arrived meanwhile: the next episode needs no lease call.</content>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task CompleteAndLease_EventArrivedDuringTheEpisode_ReturnsTheNextEpisodeWithTheCommittedHistory()
    {
        // Arrange: the first episode is leased when the answer arrives.
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem first = await this.LeaseExpectedAsync("verify-1");
        await this.Store.EnqueueEventAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1234"), 4, this.Token);

        // Act
        OrchestrationWorkItem? next = await this.Store.CompleteOrchestrationAndLeaseAsync(first, this.Episode(first), LeaseDuration, MaxMessages, this.Token);

        // Assert: a new lease of the same owner with the event, the history as committed, and nobody else can lease it.
        Assert.NotNull(next);
        Assert.Equal(("verify-1", OrchestrationStatus.Running, OwnerA), (next.Instance.InstanceId, next.Instance.Status, next.Owner));
        Assert.NotEqual(first.LeaseToken, next.LeaseToken);
        Assert.Equal(this.Now + LeaseDuration, next.LeaseExpiration);
        OrchestrationMessage raised = Assert.Single(next.Messages);
        Assert.Equal(("1234", 1), (raised.Event.Input, raised.DequeueCount));
        IReadOnlyList<HistoryEvent> stored = await this.Store.GetHistoryAsync("verify-1", this.Token);
        Assert.Equal(stored.Select(e => (e.EventType, e.Input)), next.History.Select(e => (e.EventType, e.Input)));
        Assert.Contains(stored, e => e.EventType == EventType.ExecutionStarted);
        await this.AssertNoOrchestrationWorkAsync();
        Assert.False(await this.Store.RenewOrchestrationLeaseAsync(first, LeaseDuration, this.Token));
    }

    [Fact]
    public async Task CompleteAndLease_TheNextEpisodeCommits_LikeALeasedOne()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem first = await this.LeaseExpectedAsync("verify-1");
        await this.Store.EnqueueEventAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1234"), 4, this.Token);
        OrchestrationWorkItem next = await this.Store.CompleteOrchestrationAndLeaseAsync(first, this.Episode(first), LeaseDuration, MaxMessages, this.Token)
            ?? throw new InvalidOperationException("not leased");

        // Act
        await this.Store.CompleteOrchestrationAsync(next, this.Episode(next, OrchestrationStatus.Completed, output: "true"), this.Token);

        // Assert: the event is in the history once, after the first episode's, and nothing is left to lease.
        Assert.Equal(OrchestrationStatus.Completed, (await this.Store.GetInstanceAsync("verify-1", this.Token))?.Status);
        IReadOnlyList<HistoryEvent> history = await this.Store.GetHistoryAsync("verify-1", this.Token);
        Assert.Single(history, e => e.EventType == EventType.EventRaised && e.Input == "1234");
        Assert.Single(history, e => e.EventType == EventType.ExecutionStarted);
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Fact]
    public async Task CompleteAndLease_NothingVisible_ReleasesLikeAPlainCommit()
    {
        // Arrange: the episode sets a timer a minute and a half ahead.
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem first = await this.LeaseExpectedAsync("verify-1");
        DateTimeOffset fireAt = this.Now.AddSeconds(90);
        NewMessage timer = new("verify-1", first.Instance.ExecutionId, this.TimerFired(1, fireAt), fireAt);

        // Act
        OrchestrationWorkItem? next = await this.Store.CompleteOrchestrationAndLeaseAsync(first, this.Episode(first, messages: [timer]), LeaseDuration, MaxMessages, this.Token);

        // Assert: nothing leased now; when the timer is due, any owner takes it.
        Assert.Null(next);
        await this.AssertNoOrchestrationWorkAsync();
        this.Time.Advance(TimeSpan.FromSeconds(91));
        OrchestrationWorkItem fired = await this.LeaseExpectedAsync("verify-1", OwnerB);
        Assert.Equal(EventType.TimerFired, Assert.Single(fired.Messages).Event.EventType);
    }

    [Fact]
    public async Task CompleteAndLease_Finished_LeasesNothing()
    {
        // Arrange: a second answer arrives while the episode that completes the instance runs.
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem first = await this.LeaseExpectedAsync("verify-1");
        await this.Store.EnqueueEventAsync("verify-1", this.EventRaised("SmsChallengeResponse", "late"), 4, this.Token);

        // Act
        OrchestrationWorkItem? next = await this.Store.CompleteOrchestrationAndLeaseAsync(first, this.Episode(first, OrchestrationStatus.Completed, output: "true"), LeaseDuration, MaxMessages, this.Token);

        // Assert
        Assert.Null(next);
        InstanceRecord? record = await this.Store.GetInstanceAsync("verify-1", this.Token);
        Assert.Equal(("true", OrchestrationStatus.Completed), (record?.Output, record?.Status));
    }

    [Fact]
    public async Task CompleteAndLease_LeaseLost_WritesAndLeasesNothing()
    {
        // Arrange: A's lease lapsed and B took the instance; an event waits.
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem stale = await this.LeaseExpectedAsync("verify-1");
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        OrchestrationWorkItem current = await this.LeaseExpectedAsync("verify-1", OwnerB);
        await this.Store.EnqueueEventAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1234"), 4, this.Token);

        // Act
        await Assert.ThrowsAsync<LeaseLostException>(() => this.Store.CompleteOrchestrationAndLeaseAsync(stale, this.Episode(stale), LeaseDuration, MaxMessages, this.Token));

        // Assert: nothing of A's episode is stored, and B's lease still commits and leaves the event for the next lease.
        Assert.Empty(await this.Store.GetHistoryAsync("verify-1", this.Token));
        await this.Store.CompleteOrchestrationAsync(current, this.Episode(current), this.Token);
        OrchestrationWorkItem next = await this.LeaseExpectedAsync("verify-1");
        Assert.Equal("1234", Assert.Single(next.Messages).Event.Input);
    }

    [Fact]
    public async Task CompleteAndLease_ContinuedAsNew_TheNextEpisodeStartsTheNewExecution()
    {
        // Arrange: the episode continues as new, sending the new execution's start to itself (as the engine does).
        await this.CreateWithStatusAsync("verify-1", OrchestrationStatus.Running);
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("Restart"), this.Token);
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        string nextExecution = NewExecutionId();
        HistoryEvent start = new() { EventType = EventType.ExecutionStarted, Timestamp = this.Now, Name = OrchestratorName, Input = "\"next\"", ExecutionId = nextExecution };
        OrchestrationCommit commit = new()
        {
            ExecutionId = nextExecution,
            Status = OrchestrationStatus.ContinuedAsNew,
            Input = "\"next\"",
            UpdatedTime = this.Now,
            ConsumedMessages = [.. item.Messages.Select(m => m.SequenceNumber)],
            Messages = [new NewMessage("verify-1", null, start)],
        };

        // Act
        OrchestrationWorkItem? next = await this.Store.CompleteOrchestrationAndLeaseAsync(item, commit, LeaseDuration, MaxMessages, this.Token);

        // Assert: the new execution, its start message, and none of the old history.
        Assert.NotNull(next);
        Assert.Equal((nextExecution, OrchestrationStatus.ContinuedAsNew), (next.Instance.ExecutionId, next.Instance.Status));
        Assert.Equal(EventType.ExecutionStarted, Assert.Single(next.Messages).Event.EventType);
        Assert.Empty(next.History);
        Assert.Empty(await this.Store.GetHistoryAsync("verify-1", this.Token));
    }
}
