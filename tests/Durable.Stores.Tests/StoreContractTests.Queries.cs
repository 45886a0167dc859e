using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>Listing, purging and the next wake-up time.</content>
public abstract partial class StoreContractTests
{
    private static readonly DateTimeOffset Day = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task QueryInstances_NoFilter_AllOrderedByCreatedTimeThenId()
    {
        // Arrange
        await this.CreateAsync("b", Day.AddHours(1));
        await this.CreateAsync("c", Day);
        await this.CreateAsync("a", Day.AddHours(1));
        await this.CreateAsync("d", Day.AddHours(2));

        // Act
        InstancePage page = await this.Store.QueryInstancesAsync(new InstanceQuery(), this.Token);

        // Assert
        Assert.Equal(["c", "a", "b", "d"], page.Instances.Select(r => r.InstanceId));
        Assert.Null(page.ContinuationToken);
        Assert.Equal(await this.Store.GetInstanceAsync("a", this.Token), page.Instances[1]);
    }

    [Fact]
    public async Task QueryInstances_StatusFilter_OnlyThoseStatuses()
    {
        // Arrange
        await this.CreateWithStatusAsync("running", OrchestrationStatus.Running, Day.AddMinutes(1));
        await this.CreateWithStatusAsync("completed", OrchestrationStatus.Completed, Day.AddMinutes(2));
        await this.CreateWithStatusAsync("failed", OrchestrationStatus.Failed, Day.AddMinutes(3));
        await this.CreateWithStatusAsync("pending", OrchestrationStatus.Pending, Day);

        // Act
        InstancePage live = await this.Store.QueryInstancesAsync(new InstanceQuery { Statuses = [OrchestrationStatus.Pending, OrchestrationStatus.Running] }, this.Token);
        InstancePage failed = await this.Store.QueryInstancesAsync(new InstanceQuery { Statuses = [OrchestrationStatus.Failed] }, this.Token);
        InstancePage all = await this.Store.QueryInstancesAsync(new InstanceQuery { Statuses = [] }, this.Token);

        // Assert
        Assert.Equal(["pending", "running"], live.Instances.Select(r => r.InstanceId));
        Assert.Equal(["failed"], failed.Instances.Select(r => r.InstanceId));
        Assert.Equal(4, all.Instances.Count);
    }

    [Fact]
    public async Task QueryInstances_CreatedRange_BoundsInclusive()
    {
        // Arrange
        for (int hour = 0; hour < 5; hour++)
        {
            await this.CreateAsync($"i{hour}", Day.AddHours(hour));
        }

        // Act
        InstancePage between = await this.Store.QueryInstancesAsync(new InstanceQuery { CreatedFrom = Day.AddHours(1), CreatedTo = Day.AddHours(3) }, this.Token);
        InstancePage from = await this.Store.QueryInstancesAsync(new InstanceQuery { CreatedFrom = Day.AddHours(3).AddTicks(1) }, this.Token);
        InstancePage to = await this.Store.QueryInstancesAsync(new InstanceQuery { CreatedTo = Day.AddTicks(-1) }, this.Token);

        // Assert
        Assert.Equal(["i1", "i2", "i3"], between.Instances.Select(r => r.InstanceId));
        Assert.Equal(["i4"], from.Instances.Select(r => r.InstanceId));
        Assert.Empty(to.Instances);
    }

    [Fact]
    public async Task QueryInstances_IdPrefix_OrdinalAndLiteral()
    {
        // Arrange: wildcard characters and case must not widen an ordinal prefix match.
        await this.CreateAsync("verify_1", Day);
        await this.CreateAsync("verifyX1", Day.AddMinutes(1));
        await this.CreateAsync("VERIFY_2", Day.AddMinutes(2));
        await this.CreateAsync("verify%3", Day.AddMinutes(3));
        await this.CreateAsync("verify_4", Day.AddMinutes(4));

        // Act
        InstancePage underscore = await this.Store.QueryInstancesAsync(new InstanceQuery { InstanceIdPrefix = "verify_" }, this.Token);
        InstancePage percent = await this.Store.QueryInstancesAsync(new InstanceQuery { InstanceIdPrefix = "verify%" }, this.Token);
        InstancePage plain = await this.Store.QueryInstancesAsync(new InstanceQuery { InstanceIdPrefix = "verify" }, this.Token);

        // Assert
        Assert.Equal(["verify_1", "verify_4"], underscore.Instances.Select(r => r.InstanceId));
        Assert.Equal(["verify%3"], percent.Instances.Select(r => r.InstanceId));
        Assert.Equal(["verify_1", "verifyX1", "verify%3", "verify_4"], plain.Instances.Select(r => r.InstanceId));
    }

    [Fact]
    public async Task QueryInstances_25InstancesPageSize10_ThreePagesWithoutDuplicatesOrGaps()
    {
        // Arrange: five instances share each created time, so the id breaks ties across page boundaries.
        List<string> expected = [];
        for (int i = 0; i < 25; i++)
        {
            string id = $"inst-{24 - i:D2}";
            await this.CreateAsync(id, Day.AddMinutes(i / 5));
        }

        expected.AddRange(Enumerable.Range(0, 5).SelectMany(group => Enumerable.Range(0, 5).Select(k => $"inst-{24 - ((group * 5) + k):D2}").Order(StringComparer.Ordinal)));

        // Act
        List<InstancePage> pages = [];
        string? token = null;
        do
        {
            InstancePage page = await this.Store.QueryInstancesAsync(new InstanceQuery { PageSize = 10, ContinuationToken = token }, this.Token);
            pages.Add(page);
            token = page.ContinuationToken;
        }
        while (token is not null && pages.Count < 10);

        // Assert
        Assert.Equal([10, 10, 5], pages.Select(p => p.Instances.Count));
        Assert.Equal(expected, pages.SelectMany(p => p.Instances).Select(r => r.InstanceId));
    }

    [Fact]
    public async Task QueryInstances_PagingWithFilters_FiltersKeptAcrossPages()
    {
        // Arrange
        for (int i = 0; i < 12; i++)
        {
            await this.CreateWithStatusAsync($"keep-{i:D2}", i % 2 == 0 ? OrchestrationStatus.Completed : OrchestrationStatus.Running, Day.AddMinutes(i));
        }

        for (int i = 0; i < 12; i++)
        {
            await this.CreateAsync($"skip-{i:D2}", Day.AddMinutes(i));
        }

        InstanceQuery query = new() { InstanceIdPrefix = "keep-", Statuses = [OrchestrationStatus.Completed], PageSize = 4 };

        // Act
        InstancePage first = await this.Store.QueryInstancesAsync(query, this.Token);
        InstancePage second = await this.Store.QueryInstancesAsync(query with { ContinuationToken = first.ContinuationToken }, this.Token);

        // Assert
        Assert.NotNull(first.ContinuationToken);
        Assert.Equal(["keep-00", "keep-02", "keep-04", "keep-06"], first.Instances.Select(r => r.InstanceId));
        Assert.Equal(["keep-08", "keep-10"], second.Instances.Select(r => r.InstanceId));
        Assert.Null(second.ContinuationToken);
    }

    [Fact]
    public async Task QueryInstances_LastPageExactlyFull_NoContinuationToken()
    {
        // Arrange
        for (int i = 0; i < 4; i++)
        {
            await this.CreateAsync($"i{i}", Day.AddMinutes(i));
        }

        // Act
        InstancePage first = await this.Store.QueryInstancesAsync(new InstanceQuery { PageSize = 2 }, this.Token);
        InstancePage second = await this.Store.QueryInstancesAsync(new InstanceQuery { PageSize = 2, ContinuationToken = first.ContinuationToken }, this.Token);

        // Assert
        Assert.NotNull(first.ContinuationToken);
        Assert.Equal(["i2", "i3"], second.Instances.Select(r => r.InstanceId));
        Assert.Null(second.ContinuationToken);
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("Zm9v")]
    [InlineData("!!!!")]
    public async Task QueryInstances_BadContinuationToken_ThrowsArgumentException(string token)
    {
        // Arrange
        await this.CreateAsync("verify-1");

        // Act and assert
        await Assert.ThrowsAnyAsync<ArgumentException>(() => this.Store.QueryInstancesAsync(new InstanceQuery { ContinuationToken = token }, this.Token));
    }

    [Theory]
    [InlineData(OrchestrationStatus.Completed)]
    [InlineData(OrchestrationStatus.Failed)]
    [InlineData(OrchestrationStatus.Terminated)]
    [InlineData(OrchestrationStatus.Canceled)]
    public async Task PurgeInstance_Terminal_OneAndAllRowsDeleted(OrchestrationStatus status)
    {
        // Arrange: the instance left an activity task behind; a neighbour must survive.
        await this.CreateAsync("verify-1");
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item, tasks: [this.Activity(item, 0)]));
        await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("Stop"), this.Token);
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item, status, output: "\"done\""));
        await this.CreateWithStatusAsync("verify-10", status);

        // Act
        int purged = await this.Store.PurgeInstanceAsync("verify-1", this.Token);

        // Assert
        Assert.Equal(1, purged);
        Assert.Null(await this.Store.GetInstanceAsync("verify-1", this.Token));
        Assert.Empty(await this.Store.GetHistoryAsync("verify-1", this.Token));
        Assert.Equal(EnqueueResult.NotFound, await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("Again"), this.Token));
        await this.AssertNoActivityWorkAsync();
        Assert.Equal(0, await this.Store.PurgeInstanceAsync("verify-1", this.Token));
        Assert.NotNull(await this.Store.GetInstanceAsync("verify-10", this.Token));
        Assert.NotEmpty(await this.Store.GetHistoryAsync("verify-10", this.Token));
    }

    [Theory]
    [InlineData(OrchestrationStatus.Pending)]
    [InlineData(OrchestrationStatus.Running)]
    [InlineData(OrchestrationStatus.Suspended)]
    public async Task PurgeInstance_NotTerminal_ZeroAndKept(OrchestrationStatus status)
    {
        // Arrange
        await this.CreateWithStatusAsync("verify-1", status);
        InstanceRecord? before = await this.Store.GetInstanceAsync("verify-1", this.Token);
        IReadOnlyList<HistoryEvent> history = await this.Store.GetHistoryAsync("verify-1", this.Token);

        // Act
        int purged = await this.Store.PurgeInstanceAsync("verify-1", this.Token);

        // Assert
        Assert.Equal(0, purged);
        Assert.Equal(before, await this.Store.GetInstanceAsync("verify-1", this.Token));
        Assert.Equal(history, await this.Store.GetHistoryAsync("verify-1", this.Token));
        Assert.Equal(EnqueueResult.Accepted, await this.Store.EnqueueMessageAsync("verify-1", this.EventRaised("Still"), this.Token));
    }

    [Fact]
    public async Task PurgeInstance_UnknownId_Zero()
    {
        // Act
        int purged = await this.Store.PurgeInstanceAsync("nobody", this.Token);

        // Assert
        Assert.Equal(0, purged);
    }

    [Fact]
    public async Task PurgeInstances_CreatedRangeAndStatus_OnlyMatchingTerminalInstancesDeleted()
    {
        // Arrange
        await this.CreateWithStatusAsync("old-completed", OrchestrationStatus.Completed, Day);
        await this.CreateWithStatusAsync("in-completed", OrchestrationStatus.Completed, Day.AddDays(1));
        await this.CreateWithStatusAsync("in-failed", OrchestrationStatus.Failed, Day.AddDays(2));
        await this.CreateWithStatusAsync("in-running", OrchestrationStatus.Running, Day.AddDays(2));
        await this.CreateWithStatusAsync("edge-completed", OrchestrationStatus.Completed, Day.AddDays(3));
        await this.CreateWithStatusAsync("new-completed", OrchestrationStatus.Completed, Day.AddDays(4));

        // Act
        int purged = await this.Store.PurgeInstancesAsync(new PurgeFilter(Day.AddDays(1), Day.AddDays(3), [OrchestrationStatus.Completed]), this.Token);

        // Assert
        Assert.Equal(2, purged);
        InstancePage left = await this.Store.QueryInstancesAsync(new InstanceQuery(), this.Token);
        Assert.Equal(["old-completed", "in-failed", "in-running", "new-completed"], left.Instances.Select(r => r.InstanceId));
        Assert.Empty(await this.Store.GetHistoryAsync("in-completed", this.Token));
    }

    [Fact]
    public async Task PurgeInstances_NoStatusesNoUpperBound_AllTerminalFromThenOn()
    {
        // Arrange
        await this.CreateWithStatusAsync("old-failed", OrchestrationStatus.Failed, Day);
        await this.CreateWithStatusAsync("completed", OrchestrationStatus.Completed, Day.AddDays(1));
        await this.CreateWithStatusAsync("terminated", OrchestrationStatus.Terminated, Day.AddDays(2));
        await this.CreateWithStatusAsync("suspended", OrchestrationStatus.Suspended, Day.AddDays(3));
        await this.CreateWithStatusAsync("pending", OrchestrationStatus.Pending, Day.AddDays(2));

        // Act
        int purged = await this.Store.PurgeInstancesAsync(new PurgeFilter(Day.AddDays(1)), this.Token);

        // Assert
        Assert.Equal(2, purged);
        InstancePage left = await this.Store.QueryInstancesAsync(new InstanceQuery(), this.Token);
        Assert.Equal(["old-failed", "pending", "suspended"], left.Instances.Select(r => r.InstanceId));
    }

    [Fact]
    public async Task GetNextWakeUpTime_EmptyStore_Null()
    {
        // Act
        DateTimeOffset? wakeUp = await this.Store.GetNextWakeUpTimeAsync(this.Token);

        // Assert
        Assert.Null(wakeUp);
    }

    [Fact]
    public async Task GetNextWakeUpTime_OnlyVisibleWork_Null()
    {
        // Arrange
        await this.CreateAsync("verify-1");

        // Act
        DateTimeOffset? wakeUp = await this.Store.GetNextWakeUpTimeAsync(this.Token);

        // Assert
        Assert.Null(wakeUp);
    }

    [Fact]
    public async Task GetNextWakeUpTime_PendingTimers_EarliestTimer()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        DateTimeOffset early = this.Now.AddMinutes(5);
        DateTimeOffset late = this.Now.AddMinutes(10);
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item, messages:
        [
            new NewMessage("verify-1", item.Instance.ExecutionId, this.TimerFired(1, late), late),
            new NewMessage("verify-1", item.Instance.ExecutionId, this.TimerFired(2, early), early),
        ]));

        // Act
        DateTimeOffset? wakeUp = await this.Store.GetNextWakeUpTimeAsync(this.Token);

        // Assert
        Assert.Equal(early, wakeUp);
        this.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(late, await this.Store.GetNextWakeUpTimeAsync(this.Token));
    }

    [Fact]
    public async Task GetNextWakeUpTime_DelayedActivity_ItsVisibleTime()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        DateTimeOffset visible = this.Now.AddMinutes(3);
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item, tasks: [this.Activity(item, 0, visibleTime: visible)]));

        // Act
        DateTimeOffset? wakeUp = await this.Store.GetNextWakeUpTimeAsync(this.Token);

        // Assert
        Assert.Equal(visible, wakeUp);
    }

    [Fact]
    public async Task GetNextWakeUpTime_LeasedInstance_LeaseExpiration()
    {
        // Arrange
        await this.CreateAsync("verify-1");
        OrchestrationWorkItem item = await this.LeaseExpectedAsync("verify-1");

        // Act
        DateTimeOffset? wakeUp = await this.Store.GetNextWakeUpTimeAsync(this.Token);

        // Assert
        Assert.Equal(item.LeaseExpiration, wakeUp);
    }
}
