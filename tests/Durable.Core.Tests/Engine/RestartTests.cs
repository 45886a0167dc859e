using Durable.Core.Storage;
using Durable.Sqlite;
using Durable.Testing;

namespace Durable.Core.Tests.Engine;

/// <summary>An engine disposed and reopened on the same SQLite file picks up where the old one stopped.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly TempDatabaseFile database = new("durable-restart");

    [Fact]
    public async Task Reopen_SameFile_WaitingInstanceResumesAndOverdueTimerFires()
    {
        // Arrange: two verifications waiting, on a first engine.
        FakeTimeProvider time = new();
        string answered;
        string timedOut;
        await using (EngineHarness first = await this.StartAsync(time))
        {
            answered = await first.Client.StartNewAsync(PhoneVerificationLogic.Orchestrator, null, "+14255550100");
            timedOut = await first.Client.StartNewAsync(PhoneVerificationLogic.Orchestrator, null, "+14255550101");
            await first.WaitForHistoryAsync(answered, "TimerCreated");
            await first.WaitForHistoryAsync(timedOut, "TimerCreated");
        }

        // Act: the host is down while the window passes for one of them; an event arrives for the other.
        await using EngineHarness second = await this.StartAsync(time, startEngine: false);
        Assert.Equal(EnqueueResult.Accepted, await second.Client.RaiseEventAsync(answered, PhoneVerificationLogic.ResponseEvent, 2168));
        time.Advance(TimeSpan.FromMinutes(2));
        await second.Engine.StartAsync(CancellationToken.None);

        // Assert
        Assert.True((bool)(await second.WaitForStatusAsync(answered, OrchestrationStatus.Completed)).Output!);
        Assert.False((bool)(await second.WaitForStatusAsync(timedOut, OrchestrationStatus.Completed)).Output!);
    }

    public void Dispose() => this.database.Dispose();

    private Task<EngineHarness> StartAsync(FakeTimeProvider time, bool startEngine = true) =>
        EngineHarness.StartAsync(
            f => PhoneVerificationLogic.Register(f, 2168),
            t => new SqliteOrchestrationStore(new SqliteStoreOptions { DatabasePath = this.database.Path, HubName = "RestartHub" }, t),
            time,
            startEngine);
}
