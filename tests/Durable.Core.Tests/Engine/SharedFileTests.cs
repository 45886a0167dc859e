using System.Collections.Concurrent;
using Durable.Core.History;
using Durable.Core.Storage;
using Durable.Sqlite;
using Durable.Testing;

namespace Durable.Core.Tests.Engine;

/// <summary>Two engines on one SQLite file (two hosts by mistake, or on purpose) share the work without running any of it twice.</summary>
public sealed class SharedFileTests : IDisposable
{
    private readonly TempDatabaseFile database = new("durable-shared");

    [Fact]
    public async Task TwoEngines_SameFile_EveryFlowCompletesOnceAndEachSmsIsSentOnce()
    {
        // Arrange
        FakeTimeProvider time = new();
        ConcurrentDictionary<string, int> sends = new();
        void Register(FunctionRegistry f) => f
            .AddOrchestrator(PhoneVerificationLogic.Orchestrator, PhoneVerificationLogic.RunAsync)
            .AddActivity<string, int>(PhoneVerificationLogic.SendChallenge, (_, ctx) =>
            {
                sends.AddOrUpdate(ctx.InstanceId, 1, (_, n) => n + 1);
                return Task.FromResult(2168);
            });
        IOrchestrationStore Store(TimeProvider t) => new SqliteOrchestrationStore(new SqliteStoreOptions { DatabasePath = this.database.Path, HubName = "Shared" }, t);
        await using EngineHarness first = await EngineHarness.StartAsync(Register, Store, time);
        await using EngineHarness second = await EngineHarness.StartAsync(Register, Store, time);
        EngineHarness[] hosts = [first, second];

        // Act: start on one host, answer through the other.
        List<string> ids = [];
        for (int i = 0; i < 40; i++)
        {
            ids.Add(await hosts[i % 2].Client.StartNewAsync(PhoneVerificationLogic.Orchestrator, null, $"+1425555{i:D4}"));
        }

        for (int i = 0; i < ids.Count; i++)
        {
            await hosts[(i + 1) % 2].WaitForHistoryAsync(ids[i], "TimerCreated");
            Assert.Equal(EnqueueResult.Accepted, await hosts[(i + 1) % 2].Client.RaiseEventAsync(ids[i], PhoneVerificationLogic.ResponseEvent, 2168));
        }

        // Assert
        foreach (string id in ids)
        {
            var status = await first.WaitForStatusAsync(id, OrchestrationStatus.Completed);
            Assert.True((bool)status.Output!);
            Assert.Equal(1, status.History!.Count(e => e.EventType == EventType.ExecutionCompleted));
        }

        Assert.Equal(ids.Count, sends.Count);
        Assert.All(sends.Values, n => Assert.Equal(1, n));
    }

    public void Dispose() => this.database.Dispose();
}
