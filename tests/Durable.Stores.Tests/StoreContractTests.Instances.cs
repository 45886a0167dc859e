using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>Creating instances and sending them client messages.</content>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task CreateInstance_NewId_PendingRowAndStartMessageLeasable()
    {
        // Arrange
        NewInstance instance = this.NewInstance("verify-1");

        // Act
        CreateInstanceResult result = await this.Store.CreateInstanceAsync(instance, this.Token);

        // Assert
        Assert.Equal(CreateInstanceResult.Created, result);
        InstanceRecord expected = new(
            "verify-1", instance.ExecutionId, OrchestratorName, OrchestrationStatus.Pending, instance.Input,
            null, null, instance.CreatedTime, instance.CreatedTime, null, null);
        Assert.Equal(expected, await this.Store.GetInstanceAsync("verify-1", this.Token));
        Assert.Empty(await this.Store.GetHistoryAsync("verify-1", this.Token));

        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        Assert.Equal(expected, item.Instance);
        Assert.Empty(item.History);
        OrchestrationMessage start = Assert.Single(item.Messages);
        Assert.Equal(instance.StartEvent, start.Event);
        Assert.Equal("verify-1", start.InstanceId);
        Assert.True(start.VisibleTime <= this.Now);
        Assert.Equal(OwnerA, item.Owner);
        Assert.Equal(this.Now + LeaseDuration, item.LeaseExpiration);
    }

    [Fact]
    public async Task CreateInstance_PendingId_AlreadyExistsAndNothingChanged()
    {
        // Arrange
        NewInstance first = await this.CreateAsync("verify-1");
        InstanceRecord? before = await this.Store.GetInstanceAsync("verify-1", this.Token);
        this.Time.Advance(TimeSpan.FromSeconds(5));

        // Act
        CreateInstanceResult result = await this.Store.CreateInstanceAsync(this.NewInstance("verify-1", "\"other\""), this.Token);

        // Assert
        Assert.Equal(CreateInstanceResult.AlreadyExists, result);
        Assert.Equal(before, await this.Store.GetInstanceAsync("verify-1", this.Token));
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        Assert.Equal(first.StartEvent, Assert.Single(item.Messages).Event);
    }

    [Fact]
    public async Task CreateInstance_RunningId_AlreadyExistsAndNothingChanged()
    {
        // Arrange
        await this.CreateWithStatusAsync("verify-1", OrchestrationStatus.Running);
        InstanceRecord? before = await this.Store.GetInstanceAsync("verify-1", this.Token);
        IReadOnlyList<HistoryEvent> historyBefore = await this.Store.GetHistoryAsync("verify-1", this.Token);
        this.Time.Advance(TimeSpan.FromSeconds(5));

        // Act
        CreateInstanceResult result = await this.Store.CreateInstanceAsync(this.NewInstance("verify-1", "\"other\""), this.Token);

        // Assert
        Assert.Equal(CreateInstanceResult.AlreadyExists, result);
        Assert.Equal(before, await this.Store.GetInstanceAsync("verify-1", this.Token));
        Assert.Equal(historyBefore, await this.Store.GetHistoryAsync("verify-1", this.Token));
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Fact]
    public async Task CreateInstance_TerminalId_ReplacedByFreshPendingInstance()
    {
        // Arrange: a finished instance that left an activity task, a future timer and a late event behind.
        await this.CreateAsync("verify-1");
        await this.RunEpisodeAsync("verify-1", item => this.Episode(
            item,
            tasks: [this.Activity(item, 0)],
            messages: [new NewMessage("verify-1", item.Instance.ExecutionId, this.TimerFired(1, this.Now.AddHours(1)), this.Now.AddHours(1))]));
        Assert.Equal(EnqueueResult.Accepted, await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1234"), this.Token));
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item, OrchestrationStatus.Completed, output: "true"));
        await this.CreateAsync("sender");
        await this.RunEpisodeAsync("sender", item => this.Episode(item, messages: [new NewMessage("verify-1", null, this.EventRaised("Late"))]));
        this.Time.Advance(TimeSpan.FromMinutes(1));
        NewInstance second = this.NewInstance("verify-1", "\"+15550199\"");

        // Act
        CreateInstanceResult result = await this.Store.CreateInstanceAsync(second, this.Token);

        // Assert
        Assert.Equal(CreateInstanceResult.Created, result);
        InstanceRecord expected = new(
            "verify-1", second.ExecutionId, OrchestratorName, OrchestrationStatus.Pending, "\"+15550199\"",
            null, null, second.CreatedTime, second.CreatedTime, null, null);
        Assert.Equal(expected, await this.Store.GetInstanceAsync("verify-1", this.Token));
        Assert.Empty(await this.Store.GetHistoryAsync("verify-1", this.Token));
        await this.AssertNoActivityWorkAsync();
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        Assert.Empty(item.History);
        Assert.Equal(second.StartEvent, Assert.Single(item.Messages).Event);
    }

    [Fact]
    public async Task CreateInstance_WithParent_ParentInstanceIdStored()
    {
        // Arrange
        NewInstance child = this.NewInstance("child-1", parentInstanceId: "parent-1");

        // Act
        await this.Store.CreateInstanceAsync(child, this.Token);

        // Assert
        InstanceRecord? record = await this.Store.GetInstanceAsync("child-1", this.Token);
        Assert.NotNull(record);
        Assert.Equal("parent-1", record.ParentInstanceId);
        Assert.Equal(child.StartEvent, Assert.Single((await this.LeaseExpectedAsync("child-1")).Messages).Event);
    }

    [Fact]
    public async Task GetInstance_UnknownId_Null()
    {
        // Act
        InstanceRecord? record = await this.Store.GetInstanceAsync("nobody", this.Token);

        // Assert
        Assert.Null(record);
        Assert.Empty(await this.Store.GetHistoryAsync("nobody", this.Token));
    }

    [Fact]
    public async Task EnqueueMessage_UnknownInstance_NotFoundAndNothingStored()
    {
        // Act
        EnqueueResult result = await this.Store.EnqueueMessageAsync("nobody", this.EventRaised("SmsChallengeResponse", "1234"), this.Token);

        // Assert
        Assert.Equal(EnqueueResult.NotFound, result);
        Assert.Null(await this.Store.GetInstanceAsync("nobody", this.Token));
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Theory]
    [InlineData(OrchestrationStatus.Completed)]
    [InlineData(OrchestrationStatus.Failed)]
    [InlineData(OrchestrationStatus.Terminated)]
    [InlineData(OrchestrationStatus.Canceled)]
    public async Task EnqueueMessage_TerminalInstance_GoneAndNothingStored(OrchestrationStatus status)
    {
        // Arrange
        await this.CreateWithStatusAsync("verify-1", status);

        // Act
        EnqueueResult result = await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("SmsChallengeResponse", "1234"), this.Token);

        // Assert
        Assert.Equal(EnqueueResult.Gone, result);
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Theory]
    [InlineData(OrchestrationStatus.Pending)]
    [InlineData(OrchestrationStatus.Running)]
    [InlineData(OrchestrationStatus.Suspended)]
    public async Task EnqueueMessage_LiveInstance_AcceptedAndDelivered(OrchestrationStatus status)
    {
        // Arrange
        await this.CreateWithStatusAsync("verify-1", status);
        HistoryEvent raised = this.EventRaised("SmsChallengeResponse", "1234");

        // Act
        EnqueueResult result = await this.Store.EnqueueMessageAsync("verify-1", raised, this.Token);

        // Assert
        Assert.Equal(EnqueueResult.Accepted, result);
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");
        OrchestrationMessage message = item.Messages[^1];
        Assert.Equal(raised, message.Event);
        Assert.Null(message.ExecutionId);
    }

    [Fact]
    public async Task LeaseOrchestration_SeveralMessages_FifoOrderUpToMaxMessages()
    {
        // Arrange
        NewInstance instance = await this.CreateAsync("verify-1");
        List<HistoryEvent> sent = [instance.StartEvent];
        for (int i = 0; i < 5; i++)
        {
            this.Time.Advance(TimeSpan.FromSeconds(1));
            HistoryEvent raised = this.EventRaised("SmsChallengeResponse", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            sent.Add(raised);
            await this.Store.EnqueueMessageAsync("verify-1", raised, this.Token);
        }

        // Act
        OrchestrationWorkItem? first = await this.Store.LeaseOrchestrationAsync(OwnerA, LeaseDuration, 4, this.Token);
        Assert.NotNull(first);
        await this.Store.CompleteOrchestrationAsync(first, this.Episode(first), this.Token);
        OrchestrationWorkItem? second = await this.Store.LeaseOrchestrationAsync(OwnerA, LeaseDuration, 4, this.Token);

        // Assert
        Assert.NotNull(second);
        Assert.Equal(sent.Take(4), first.Messages.Select(m => m.Event));
        Assert.Equal(sent.Skip(4), second.Messages.Select(m => m.Event));
        long[] sequences = [.. first.Messages.Concat(second.Messages).Select(m => m.SequenceNumber)];
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Length, sequences.Distinct().Count());
    }

    [Fact]
    public async Task LeaseOrchestration_EventRaisedBeforeTimerDue_EventDeliveredFirst()
    {
        // Arrange: a timer row written first but due later, then an event written later but visible at once;
        // nobody leases until both are visible (a host's downtime).
        await this.CreateAsync("verify-1");
        DateTimeOffset fireAt = this.Now.AddSeconds(90);
        HistoryEvent fired = this.TimerFired(1, fireAt);
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item, messages: [new NewMessage("verify-1", item.Instance.ExecutionId, fired, fireAt)]));
        this.Time.Advance(TimeSpan.FromSeconds(30));
        HistoryEvent raised = this.EventRaised("SmsChallengeResponse", "1234");
        await this.Store.EnqueueMessageAsync("verify-1", raised, this.Token);
        this.Time.Advance(TimeSpan.FromSeconds(70));

        // Act
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");

        // Assert: rows come in the order they became visible (visible time, then sequence).
        Assert.Equal([raised, fired], item.Messages.Select(m => m.Event));
    }

    [Fact]
    public async Task LeaseOrchestration_TwoInstances_EarliestVisibleRowFirstNotLowestSequence()
    {
        // Arrange: "timer" holds a row written first but due at +90 s; "event" gets a row at +30 s.
        await this.CreateAsync("timer");
        DateTimeOffset fireAt = this.Now.AddSeconds(90);
        await this.RunEpisodeAsync("timer", item => this.Episode(item, messages: [new NewMessage("timer", item.Instance.ExecutionId, this.TimerFired(1, fireAt), fireAt)]));
        this.Time.Advance(TimeSpan.FromSeconds(30));
        await this.CreateWithStatusAsync("event", OrchestrationStatus.Running);
        await this.Store.EnqueueMessageAsync("event", this.EventRaised("SmsChallengeResponse", "1234"), this.Token);
        this.Time.Advance(TimeSpan.FromSeconds(70));

        // Act
        OrchestrationWorkItem first = await this.LeaseExpectedAsync("event");
        OrchestrationWorkItem second = await this.LeaseExpectedAsync("timer");

        // Assert
        Assert.Equal(EventType.EventRaised, Assert.Single(first.Messages).Event.EventType);
        Assert.Equal(EventType.TimerFired, Assert.Single(second.Messages).Event.EventType);
    }

    [Fact]
    public async Task LeaseOrchestration_TwoInstances_OldestVisibleMessageFirst()
    {
        // Arrange
        await this.CreateAsync("zulu");
        this.Time.Advance(TimeSpan.FromSeconds(1));
        await this.CreateAsync("alpha");

        // Act
        OrchestrationWorkItem first = await this.LeaseExpectedAsync("zulu");
        OrchestrationWorkItem second = await this.LeaseExpectedAsync("alpha");

        // Assert: LeaseExpectedAsync checked the order; both are now leased.
        Assert.Equal(OwnerA, first.Owner);
        Assert.Equal(OwnerA, second.Owner);
        await this.AssertNoOrchestrationWorkAsync();
    }

    [Fact]
    public async Task LeaseOrchestration_NoMessages_Null()
    {
        // Act
        OrchestrationWorkItem? item = await this.Store.LeaseOrchestrationAsync(OwnerA, LeaseDuration, MaxMessages, this.Token);

        // Assert
        Assert.Null(item);
    }
}
