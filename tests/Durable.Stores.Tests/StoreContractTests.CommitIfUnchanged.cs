using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>An episode run without a lease on an instance as its caller last committed it: committed only if nothing changed since.</content>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task CommitIfUnchanged_AsLastCommitted_CommitsTheAnswerAndItsEventGoesStraightToHistory()
    {
        // Arrange: the first episode set the 90-second timer and waits for the answer.
        OrchestrationWorkItem waiting = await this.WaitingForTheAnswerAsync("verify-1");

        // Act
        bool committed = await this.Store.CommitIfUnchangedAsync(waiting, this.Answer(waiting, OrchestrationStatus.Completed, "true"), this.Token);

        // Assert: completed with the event in its history once; neither the event nor the finished execution's timer is left.
        Assert.True(committed);
        InstanceRecord? record = await this.Store.GetInstanceAsync("verify-1", this.Token);
        Assert.Equal((OrchestrationStatus.Completed, "true"), (record?.Status, record?.Output));
        IReadOnlyList<HistoryEvent> history = await this.Store.GetHistoryAsync("verify-1", this.Token);
        Assert.Equal(waiting.History.Count + 4, history.Count);
        Assert.Single(history, e => e.EventType == EventType.EventRaised && e.Input == "1234");
        this.Time.Advance(TimeSpan.FromSeconds(91));
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Fact]
    public async Task CommitIfUnchanged_StillRunning_LeavesTheInstanceFreeForTheNextEpisode()
    {
        // Arrange
        OrchestrationWorkItem waiting = await this.WaitingForTheAnswerAsync("verify-1");

        // Act: a wrong answer; the instance keeps waiting.
        bool committed = await this.Store.CommitIfUnchangedAsync(waiting, this.Answer(waiting, OrchestrationStatus.Running), this.Token);

        // Assert: any owner leases the next answer at once, with the first one in the history.
        Assert.True(committed);
        await this.Store.EnqueueEventAsync("verify-1", this.EventRaised("SmsChallengeResponse", "5678"), 4, this.Token);
        OrchestrationWorkItem next = await this.LeaseExpectedAsync("verify-1", OwnerB);
        Assert.Equal("5678", Assert.Single(next.Messages).Event.Input);
        Assert.Single(next.History, e => e.EventType == EventType.EventRaised && e.Input == "1234");
    }

    [Fact]
    public async Task CommitIfUnchanged_HistoryGrewSince_WritesNothing()
    {
        // Arrange: another answer was committed by an ordinary episode after the caller's view.
        OrchestrationWorkItem waiting = await this.WaitingForTheAnswerAsync("verify-1");
        await this.Store.EnqueueEventAsync("verify-1", this.EventRaised("SmsChallengeResponse", "5678"), 4, this.Token);
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item));
        IReadOnlyList<HistoryEvent> before = await this.Store.GetHistoryAsync("verify-1", this.Token);

        // Act
        bool committed = await this.Store.CommitIfUnchangedAsync(waiting, this.Answer(waiting, OrchestrationStatus.Completed, "true"), this.Token);

        // Assert
        Assert.False(committed);
        Assert.Equal(OrchestrationStatus.Running, (await this.Store.GetInstanceAsync("verify-1", this.Token))?.Status);
        Assert.Equal(before.Count, (await this.Store.GetHistoryAsync("verify-1", this.Token)).Count);
    }

    [Fact]
    public async Task CommitIfUnchanged_LeasedByAnother_WritesNothingAndTheirLeaseStillCommits()
    {
        // Arrange
        OrchestrationWorkItem waiting = await this.WaitingForTheAnswerAsync("verify-1");
        await this.Store.EnqueueEventAsync("verify-1", this.EventRaised("SmsChallengeResponse", "5678"), 4, this.Token);
        OrchestrationWorkItem theirs = await this.LeaseExpectedAsync("verify-1", OwnerB);

        // Act
        bool committed = await this.Store.CommitIfUnchangedAsync(waiting, this.Answer(waiting, OrchestrationStatus.Completed, "true"), this.Token);

        // Assert
        Assert.False(committed);
        await this.Store.CompleteOrchestrationAsync(theirs, this.Episode(theirs, OrchestrationStatus.Completed, output: "false"), this.Token);
        Assert.Equal("false", (await this.Store.GetInstanceAsync("verify-1", this.Token))?.Output);
    }

    [Fact]
    public async Task CommitIfUnchanged_MessageWaiting_WritesNothingAndTheMessageStaysLeasable()
    {
        // Arrange: an answer is in the inbox, stored by another host, and nobody has leased it yet.
        OrchestrationWorkItem waiting = await this.WaitingForTheAnswerAsync("verify-1");
        await this.Store.EnqueueEventAsync("verify-1", this.EventRaised("SmsChallengeResponse", "5678"), 4, this.Token);

        // Act
        bool committed = await this.Store.CommitIfUnchangedAsync(waiting, this.Answer(waiting, OrchestrationStatus.Completed, "true"), this.Token);

        // Assert
        Assert.False(committed);
        Assert.Equal(waiting.History.Count, (await this.Store.GetHistoryAsync("verify-1", this.Token)).Count);
        OrchestrationWorkItem next = await this.LeaseExpectedAsync("verify-1", OwnerB);
        Assert.Equal("5678", Assert.Single(next.Messages).Event.Input);
    }

    /// <summary>
    /// Creates <paramref name="instanceId"/> and commits its first episode, which sets a timer; returns the instance as
    /// that commit left it, with a lease of its own that no store holds.
    /// </summary>
    private async Task<OrchestrationWorkItem> WaitingForTheAnswerAsync(string instanceId)
    {
        await this.CreateAsync(instanceId);
        DateTimeOffset fireAt = this.Now.AddSeconds(90);
        await this.RunEpisodeAsync(instanceId, item => this.Episode(item, messages: [new NewMessage(instanceId, item.Instance.ExecutionId, this.TimerFired(1, fireAt), fireAt)]));
        InstanceRecord record = await this.Store.GetInstanceAsync(instanceId, this.Token) ?? throw new InvalidOperationException("not created");
        IReadOnlyList<HistoryEvent> history = await this.Store.GetHistoryAsync(instanceId, this.Token);
        return new OrchestrationWorkItem(record, history, [], OwnerA, LeaseTokens.New(), this.Now + LeaseDuration);
    }

    /// <summary>The episode an answer "1234" runs on <paramref name="waiting"/>: its event in the history, no inbox row consumed.</summary>
    private OrchestrationCommit Answer(OrchestrationWorkItem waiting, OrchestrationStatus status, string? output = null)
    {
        OrchestrationMessage answer = new(0, waiting.Instance.InstanceId, null, this.EventRaised("SmsChallengeResponse", "1234"), this.Now, 1);
        OrchestrationWorkItem answered = new(waiting.Instance, waiting.History, [answer], waiting.Owner, waiting.LeaseToken, waiting.LeaseExpiration);
        return this.Episode(answered, status, output: output) with { ConsumedMessages = [] };
    }
}
