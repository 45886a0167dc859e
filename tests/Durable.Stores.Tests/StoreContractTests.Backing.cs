using System.Collections.Concurrent;
using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>Behaviour of the backing storage: task hubs, restarts and two processes on one store.</content>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Store_TwoHubsOnOneBacking_NeitherSeesTheOther()
    {
        // Arrange
        IOrchestrationStore other = await this.OpenStoreAsync("OtherHub");
        await this.CreateAsync("verify-1", input: "\"mine\"");
        await this.RunEpisodeAsync("verify-1", item => this.Episode(item, tasks: [this.Activity(item, 0)]));
        await this.CreateWithStatusAsync("only-here", OrchestrationStatus.Completed);

        // Act
        CreateInstanceResult created = await other.CreateInstanceAsync(this.NewInstance("verify-1", "\"theirs\""), this.Token);

        // Assert
        Assert.Equal(CreateInstanceResult.Created, created);
        Assert.Equal("\"mine\"", (await this.Store.GetInstanceAsync("verify-1", this.Token))?.Input);
        Assert.Equal("\"theirs\"", (await other.GetInstanceAsync("verify-1", this.Token))?.Input);
        Assert.Empty(await other.GetHistoryAsync("verify-1", this.Token));
        Assert.Null(await other.GetInstanceAsync("only-here", this.Token));
        Assert.Equal(EnqueueResult.NotFound, await other.EnqueueMessageAsync("only-here", this.EventRaised("Ping"), this.Token));
        Assert.Equal(0, await other.PurgeInstanceAsync("only-here", this.Token));
        Assert.Equal(0, await other.PurgeInstancesAsync(new PurgeFilter(DateTimeOffset.MinValue), this.Token));
        Assert.Equal(["verify-1"], (await other.QueryInstancesAsync(new InstanceQuery(), this.Token)).Instances.Select(r => r.InstanceId));
        await this.AssertNoActivityWorkAsync(other);
        await this.AssertNoOrchestrationWorkAsync();
        OrchestrationWorkItem theirs = await this.LeaseExpectedAsync("verify-1", OwnerB, other);
        Assert.Equal("\"theirs\"", theirs.Instance.Input);
        Assert.Equal("\"theirs\"", Assert.Single(theirs.Messages).Event.Input);
        Assert.Empty(theirs.History);
        await this.AssertNoOrchestrationWorkAsync(other);
        Assert.NotNull(await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token));
        Assert.NotNull(await this.Store.GetInstanceAsync("only-here", this.Token));
    }

    [Fact]
    public async Task Store_DisposedAndReopened_DataSurvives()
    {
        // Arrange
        NewInstance instance = await this.CreateAsync("verify-1");
        DateTimeOffset fireAt = this.Now.AddSeconds(90);
        HistoryEvent fired = this.TimerFired(1, fireAt);
        OrchestrationCommit commit = await this.RunEpisodeAsync("verify-1", item => this.Episode(
            item,
            tasks: [this.Activity(item, 0)],
            messages: [new NewMessage("verify-1", item.Instance.ExecutionId, fired, fireAt)],
            customStatus: "\"sent\""));
        InstanceRecord? before = await this.Store.GetInstanceAsync("verify-1", this.Token);

        // Act
        await this.ReopenStoreAsync();

        // Assert
        Assert.Equal(before, await this.Store.GetInstanceAsync("verify-1", this.Token));
        Assert.Equal(commit.NewHistory, await this.Store.GetHistoryAsync("verify-1", this.Token));
        ActivityWorkItem? task = await this.Store.LeaseActivityAsync(OwnerA, LeaseDuration, this.Token);
        Assert.NotNull(task);
        Assert.Equal((instance.ExecutionId, 0), (task.Task.ExecutionId, task.Task.TaskId));
        await this.AssertNoOrchestrationWorkAsync();
        this.Time.Advance(TimeSpan.FromSeconds(91));
        Assert.Equal(fired, Assert.Single((await this.LeaseExpectedAsync("verify-1")).Messages).Event);
    }

    [Fact]
    public async Task LeaseOrchestration_TwoStoreObjectsConcurrently_EachInstanceProcessedExactlyOnce()
    {
        // Arrange: two store objects on one backing stand for two processes.
        const int Count = 100;
        for (int i = 0; i < Count; i++)
        {
            await this.CreateAsync($"verify-{i:D3}");
        }

        IOrchestrationStore second = await this.OpenStoreAsync(HubName);
        ConcurrentDictionary<string, int> processed = new(StringComparer.Ordinal);
        ConcurrentDictionary<string, int> perOwner = new(StringComparer.Ordinal);
        TaskCompletionSource go = new(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task WorkAsync(IOrchestrationStore store, string owner)
        {
            await go.Task;
            while (await store.LeaseOrchestrationAsync(owner, LeaseDuration, MaxMessages, this.Token) is { } item)
            {
                processed.AddOrUpdate(item.Instance.InstanceId, 1, (_, n) => n + 1);
                perOwner.AddOrUpdate(owner, 1, (_, n) => n + 1);

                // The episode's work: the other owner leases meanwhile (without it one tight loop starves the other).
                await Task.Delay(1, this.Token);
                await store.CompleteOrchestrationAsync(item, this.Episode(item, OrchestrationStatus.Completed, output: $"\"{owner}\""), this.Token);
            }
        }

        // Act
        Task[] workers = [Task.Run(() => WorkAsync(this.Store, OwnerA)), Task.Run(() => WorkAsync(second, OwnerB))];
        go.SetResult();
        await Task.WhenAll(workers);

        // Assert
        Assert.Equal(Count, processed.Count);
        Assert.All(processed, p => Assert.Equal(1, p.Value));
        Assert.Equal([OwnerA, OwnerB], perOwner.Keys.Order(StringComparer.Ordinal));
        InstancePage page = await this.Store.QueryInstancesAsync(new InstanceQuery { PageSize = Count + 1 }, this.Token);
        Assert.Equal(Count, page.Instances.Count);
        Assert.All(page.Instances, r => Assert.Equal(OrchestrationStatus.Completed, r.Status));
        foreach (InstanceRecord record in page.Instances)
        {
            // OrchestratorStarted, ExecutionStarted, ExecutionCompleted, OrchestratorCompleted: one episode only.
            Assert.Equal(4, (await this.Store.GetHistoryAsync(record.InstanceId, this.Token)).Count);
        }
    }
}
