using Durable.Core.Diagnostics;
using Durable.Core.Client;
using Durable.Core.Dispatch;
using Durable.Core.History;
using Durable.Core.Storage;
using Durable.Core.Storage.InMemory;
using Durable.Testing;

namespace Durable.Core.Tests.Dispatch;

/// <summary>Completion waiters leave nothing behind: an instance finished elsewhere or never finished keeps no entry.</summary>
public sealed class EngineSignalsTests
{
    [Fact]
    public void WhenFinished_DisposedBeforeFinish_LeavesNoEntry()
    {
        // Arrange
        EngineSignals signals = new();

        // Act
        using (signals.WhenFinished("a"))
        using (signals.WhenFinished("a"))
        using (signals.WhenFinished("b"))
        {
            Assert.Equal(2, signals.WatchedInstances);
        }

        // Assert
        Assert.Equal(0, signals.WatchedInstances);
    }

    [Fact]
    public void Committed_Terminal_WakesEveryWatcherAndLeavesNoEntry()
    {
        // Arrange
        EngineSignals signals = new();
        using FinishedWatch first = signals.WhenFinished("a");
        using FinishedWatch second = signals.WhenFinished("a");

        // Act
        signals.Committed("a", Commit(OrchestrationStatus.Completed), DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(5));

        // Assert
        Assert.True(first.Task.IsCompleted);
        Assert.True(second.Task.IsCompleted);
        Assert.Equal(0, signals.WatchedInstances);
    }

    [Fact]
    public void WhenFinished_OneOfTwoDisposed_OtherStillWoken()
    {
        // Arrange
        EngineSignals signals = new();
        FinishedWatch gone = signals.WhenFinished("a");
        using FinishedWatch kept = signals.WhenFinished("a");

        // Act
        gone.Dispose();
        gone.Dispose();
        signals.Committed("a", Commit(OrchestrationStatus.Failed), DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(5));

        // Assert
        Assert.True(kept.Task.IsCompleted);
        Assert.Equal(0, signals.WatchedInstances);
    }

    [Fact]
    public async Task WaitForCompletion_NeverFinishes_LeavesNoEntry()
    {
        // Arrange: an instance no dispatcher runs; the wait times out on the fake clock.
        (DurableClient client, EngineSignals signals, FakeTimeProvider time, _) = Client();
        string id = await client.StartNewAsync("Orchestrator", "never", null);

        // Act
        Task<OrchestrationMetadata?> wait = client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(2));
        for (int i = 0; i < 50 && !wait.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(10);
        }

        OrchestrationMetadata? status = await wait.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert
        Assert.Equal(OrchestrationStatus.Pending, status?.RuntimeStatus);
        Assert.Equal(0, signals.WatchedInstances);
    }

    [Fact]
    public async Task WaitForCompletion_FinishedByAnotherHost_LeavesNoEntry()
    {
        // Arrange: another host's commit reaches the store only; this host's signals never hear of it.
        (DurableClient client, EngineSignals signals, FakeTimeProvider time, IOrchestrationStore store) = Client();
        string id = await client.StartNewAsync("Orchestrator", "elsewhere", null);
        Task<OrchestrationMetadata?> wait = client.WaitForCompletionAsync(id, TimeSpan.FromMinutes(1));
        OrchestrationWorkItem item = (await store.LeaseOrchestrationAsync("other-host", TimeSpan.FromMinutes(1), 10, CancellationToken.None))!;
        await store.CompleteOrchestrationAsync(item, Commit(OrchestrationStatus.Completed, item), CancellationToken.None);

        // Act
        for (int i = 0; i < 50 && !wait.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(10);
        }

        OrchestrationMetadata? status = await wait.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert
        Assert.Equal(OrchestrationStatus.Completed, status?.RuntimeStatus);
        Assert.Equal(0, signals.WatchedInstances);
    }

    private static (DurableClient Client, EngineSignals Signals, FakeTimeProvider Time, IOrchestrationStore Store) Client()
    {
        FakeTimeProvider time = new();
        InMemoryOrchestrationStore store = new(time);
        EngineSignals signals = new();
        return (new DurableClient("hub", store, new OneOrchestrator(), time, signals, new DurableTelemetry(), store.CreateInstanceAsync, store.EnqueueEventAsync), signals, time, store);
    }

    private static OrchestrationCommit Commit(OrchestrationStatus status, OrchestrationWorkItem? item = null) => new()
    {
        ExecutionId = item?.Instance.ExecutionId ?? "exec",
        NewHistory = [],
        Status = status,
        UpdatedTime = DateTimeOffset.UnixEpoch,
        ConsumedMessages = item is null ? [] : [.. item.Messages.Select(m => m.SequenceNumber)],
        ActivityTasks = [],
        Messages = [],
        NewInstances = [],
    };

    private sealed class OneOrchestrator : IOrchestratorInvoker
    {
        public bool IsOrchestrator(string name) => name == "Orchestrator";

        public Task InvokeAsync(OrchestratorInvocation invocation, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
