using Durable.Core;
using Durable.Core.Diagnostics;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Stores.Tests;

/// <content>What observability needs of a store: a readiness probe, counts by status, trace context kept on the start event.</content>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Probe_StoreUsable_CompletesAndChangesNothing()
    {
        // Arrange
        await this.CreateAsync("kept");
        IStoreHealthProbe probe = Assert.IsAssignableFrom<IStoreHealthProbe>(this.Store);

        // Act
        await probe.ProbeAsync(this.Token);

        // Assert
        InstancePage all = await this.Store.QueryInstancesAsync(new InstanceQuery(), this.Token);
        Assert.Equal(["kept"], all.Instances.Select(i => i.InstanceId));
    }

    [Fact]
    public async Task CountInstancesByStatus_SeveralStatusesAndAnotherHub_CountsThisHubOnly()
    {
        // Arrange
        await this.CreateWithStatusAsync("r1", OrchestrationStatus.Running);
        await this.CreateWithStatusAsync("r2", OrchestrationStatus.Running);
        await this.CreateWithStatusAsync("c1", OrchestrationStatus.Completed);
        await this.CreateAsync("p1");
        IOrchestrationStore other = await this.OpenStoreAsync("OtherHub");
        await other.CreateInstanceAsync(new NewInstance("x", "e", OrchestratorName, null, this.Now, new HistoryEvent { EventType = EventType.ExecutionStarted, Name = OrchestratorName, ExecutionId = "e" }), this.Token);
        IInstanceStatusCounter counter = Assert.IsAssignableFrom<IInstanceStatusCounter>(this.Store);

        // Act
        IReadOnlyDictionary<OrchestrationStatus, long> counts = await counter.CountInstancesByStatusAsync(this.Token);

        // Assert
        Assert.Equal(2, counts.GetValueOrDefault(OrchestrationStatus.Running));
        Assert.Equal(1, counts.GetValueOrDefault(OrchestrationStatus.Completed));
        Assert.Equal(1, counts.GetValueOrDefault(OrchestrationStatus.Pending));
        Assert.Equal(4, counts.Values.Sum());
    }

    [Fact]
    public async Task LeaseOrchestration_StartEventWithTraceParent_TraceParentReadBack()
    {
        // Arrange
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        HistoryEvent start = new() { EventType = EventType.ExecutionStarted, Name = OrchestratorName, ExecutionId = "e1", Timestamp = this.Now, TraceParent = traceParent };
        await this.Store.CreateInstanceAsync(new NewInstance("traced", "e1", OrchestratorName, null, this.Now, start), this.Token);

        // Act
        OrchestrationWorkItem? item = await this.Store.LeaseOrchestrationAsync(OwnerA, LeaseDuration, MaxMessages, this.Token);

        // Assert
        Assert.Equal(traceParent, Assert.Single(item!.Messages).Event.TraceParent);
    }
}
