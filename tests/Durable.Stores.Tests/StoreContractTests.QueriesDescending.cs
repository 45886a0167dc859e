using Durable.Core;
using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>Listing newest first (<see cref="InstanceQuery.Descending"/>).</content>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task QueryInstances_Descending25InstancesPageSize10_NewestFirstEachExactlyOnce()
    {
        // Arrange: five instances share each created time, so the id breaks ties across page boundaries.
        for (int i = 0; i < 25; i++)
        {
            await this.CreateAsync($"inst-{24 - i:D2}", Day.AddMinutes(i / 5));
        }

        List<string> expected = [.. Enumerable.Range(0, 5).Reverse()
            .SelectMany(group => Enumerable.Range(0, 5).Select(k => $"inst-{24 - ((group * 5) + k):D2}").OrderDescending(StringComparer.Ordinal))];

        // Act
        List<InstancePage> pages = await this.ReadAllPagesAsync(new InstanceQuery { PageSize = 10, Descending = true });

        // Assert
        Assert.Equal([10, 10, 5], pages.Select(p => p.Instances.Count));
        Assert.Equal(expected, pages.SelectMany(p => p.Instances).Select(r => r.InstanceId));
        Assert.Null(pages[^1].ContinuationToken);
    }

    [Fact]
    public async Task QueryInstances_DescendingWithFilters_FiltersKeptAcrossPagesNewestFirst()
    {
        // Arrange
        for (int i = 0; i < 12; i++)
        {
            await this.CreateWithStatusAsync($"keep-{i:D2}", i % 2 == 0 ? OrchestrationStatus.Completed : OrchestrationStatus.Running, Day.AddMinutes(i));
        }

        // Created after the kept ones: creating them first would leave them in the way of the status helper's leases.
        for (int i = 0; i < 12; i++)
        {
            await this.CreateAsync($"skip-{i:D2}", Day.AddMinutes(i));
        }

        InstanceQuery query = new()
        {
            InstanceIdPrefix = "keep-",
            Statuses = [OrchestrationStatus.Completed],
            CreatedFrom = Day.AddMinutes(1),
            CreatedTo = Day.AddMinutes(10),
            PageSize = 2,
            Descending = true,
        };

        // Act
        List<InstancePage> pages = await this.ReadAllPagesAsync(query);

        // Assert
        Assert.Equal([2, 2, 1], pages.Select(p => p.Instances.Count));
        Assert.Equal(["keep-10", "keep-08", "keep-06", "keep-04", "keep-02"], pages.SelectMany(p => p.Instances).Select(r => r.InstanceId));
    }

    [Fact]
    public async Task QueryInstances_DescendingRowsCreatedWhilePaging_NoDuplicatesOrGaps()
    {
        // Arrange
        for (int i = 0; i < 6; i++)
        {
            await this.CreateAsync($"old-{i}", Day.AddMinutes(i));
        }

        InstanceQuery query = new() { PageSize = 3, Descending = true };
        InstancePage first = await this.Store.QueryInstancesAsync(query, this.Token);
        await this.CreateAsync("new-0", Day.AddHours(1));

        // Act: the newer row is before the cursor, so the next page continues where the first ended.
        InstancePage second = await this.Store.QueryInstancesAsync(query with { ContinuationToken = first.ContinuationToken }, this.Token);

        // Assert
        Assert.Equal(["old-5", "old-4", "old-3"], first.Instances.Select(r => r.InstanceId));
        Assert.Equal(["old-2", "old-1", "old-0"], second.Instances.Select(r => r.InstanceId));
        Assert.Null(second.ContinuationToken);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task QueryInstances_TokenFromTheOtherOrder_ThrowsArgumentException(bool descending)
    {
        // Arrange
        for (int i = 0; i < 3; i++)
        {
            await this.CreateAsync($"i{i}", Day.AddMinutes(i));
        }

        InstancePage first = await this.Store.QueryInstancesAsync(new InstanceQuery { PageSize = 1, Descending = !descending }, this.Token);
        Assert.NotNull(first.ContinuationToken);

        // Act and assert: the key would page from the wrong side, skipping or repeating rows.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => this.Store.QueryInstancesAsync(
            new InstanceQuery { PageSize = 1, Descending = descending, ContinuationToken = first.ContinuationToken }, this.Token));
    }

    /// <summary>Every page of <paramref name="query"/>, following continuation tokens (bounded, so a loop fails rather than hangs).</summary>
    private async Task<List<InstancePage>> ReadAllPagesAsync(InstanceQuery query)
    {
        List<InstancePage> pages = [];
        string? token = null;
        do
        {
            InstancePage page = await this.Store.QueryInstancesAsync(query with { ContinuationToken = token }, this.Token);
            pages.Add(page);
            token = page.ContinuationToken;
        }
        while (token is not null && pages.Count < 100);

        return pages;
    }
}
