using Durable.Core.History;
using Durable.Core.Storage;
using Durable.Sqlite;
using Durable.Testing;

namespace Durable.Stores.Tests;

/// <summary>
/// A store on a SQLite file learns of commits made through another store on the same file (as another process would:
/// separate connections) without waiting for the dispatchers' fallback poll. Waits are bounded by a 30 s token, never timed.
/// </summary>
public sealed class SqliteWorkArrivalTests : IAsyncLifetime
{
    private readonly TempDatabaseFile database = new("durable-work-arrival");
    private readonly CancellationTokenSource deadline = new(TimeSpan.FromSeconds(30));
    private SqliteOrchestrationStore host = null!;
    private SqliteOrchestrationStore other = null!;

    public async Task InitializeAsync()
    {
        // Real time: the watcher's interval runs on the store's clock.
        this.host = this.NewStore();
        this.other = this.NewStore();
        await this.host.InitializeAsync(CancellationToken.None);
        await this.other.InitializeAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await this.host.DisposeAsync();
        await this.other.DisposeAsync();
        this.deadline.Dispose();
        this.database.Dispose();
    }

    [Fact]
    public async Task SubscribeToWorkArrival_OtherStoreOnTheFileStartsInstance_BothDispatchersWake()
    {
        // Arrange
        using SemaphoreSlim orchestrations = new(0);
        using SemaphoreSlim activities = new(0);
        using IDisposable subscription = ((IWorkArrivalNotifier)this.host).SubscribeToWorkArrival(() => orchestrations.Release(), () => activities.Release());

        // Act
        await this.other.CreateInstanceAsync(Instance("started-elsewhere"), CancellationToken.None);

        // Assert
        await orchestrations.WaitAsync(this.deadline.Token);
        await activities.WaitAsync(this.deadline.Token);
    }

    [Fact]
    public async Task SubscribeToWorkArrival_OtherStoreOnTheFileRaisesEvent_OrchestrationsWake()
    {
        // Arrange: an instance exists; only later writes count.
        await this.host.CreateInstanceAsync(Instance("waiting"), CancellationToken.None);
        using SemaphoreSlim orchestrations = new(0);
        using IDisposable subscription = ((IWorkArrivalNotifier)this.host).SubscribeToWorkArrival(() => orchestrations.Release(), () => { });

        // Act
        HistoryEvent answer = new() { EventType = EventType.EventRaised, Timestamp = DateTimeOffset.UtcNow, Name = "SmsChallengeResponse", Input = "1234" };
        Assert.Equal(EnqueueResult.Accepted, await this.other.EnqueueMessageAsync("waiting", answer, CancellationToken.None));

        // Assert
        await orchestrations.WaitAsync(this.deadline.Token);
    }

    private static NewInstance Instance(string id)
    {
        string executionId = Guid.NewGuid().ToString("N");
        HistoryEvent start = new() { EventType = EventType.ExecutionStarted, Timestamp = DateTimeOffset.UtcNow, Name = "E4_SmsPhoneVerification", Input = "\"+15550100\"", ExecutionId = executionId };
        return new NewInstance(id, executionId, "E4_SmsPhoneVerification", "\"+15550100\"", DateTimeOffset.UtcNow, start, null);
    }

    private SqliteOrchestrationStore NewStore() =>
        new(new SqliteStoreOptions { DatabasePath = this.database.Path, HubName = "ArrivalHub" }, TimeProvider.System);
}
