using System.Diagnostics;
using System.Globalization;
using Durable.Core.Storage;
using Durable.Sqlite;
using Durable.Testing;

namespace Durable.Core.Tests.Engine;

/// <summary>
/// Restart after <c>kill -9</c>: work the killed process had leased is picked up as soon as the next host starts on
/// the same machine, not after the lease expires.
/// </summary>
public sealed class DeadProcessLeaseTests : IDisposable
{
    private readonly TempDatabaseFile database = new("durable-dead-lease");

    [Fact]
    public async Task Start_InstanceAndTaskLeasedByKilledProcess_BothResumeWithoutWaitingForTheLease()
    {
        // Arrange: a killed host of this machine held an instance mid-episode and another's activity. Its leases
        // run for ten minutes of a clock that never moves, so only releasing them lets the work go on.
        FakeTimeProvider time = new();
        string deadOwner = await DeadOwnerAsync();
        string leasedInstance;
        string leasedActivityOf;
        await using (EngineHarness setup = await this.StartAsync(time, startEngine: false))
        {
            leasedActivityOf = await setup.Client.StartNewAsync(PhoneVerificationLogic.Orchestrator, null, "+14255550100");
            OrchestrationWorkItem? first = await setup.Store.LeaseOrchestrationAsync("setup", TimeSpan.FromMinutes(10), 100, CancellationToken.None);
            Assert.NotNull(first);
            await setup.Store.CompleteOrchestrationAsync(first, ScheduleSend(first, time), CancellationToken.None);
            Assert.NotNull(await setup.Store.LeaseActivityAsync(deadOwner, TimeSpan.FromMinutes(10), CancellationToken.None));

            leasedInstance = await setup.Client.StartNewAsync(PhoneVerificationLogic.Orchestrator, null, "+14255550101");
            Assert.NotNull(await setup.Store.LeaseOrchestrationAsync(deadOwner, TimeSpan.FromMinutes(10), 100, CancellationToken.None));
        }

        // Act: the next host starts; the window passes while the user answers.
        int sends = 0;
        await using EngineHarness restarted = await this.StartAsync(time, onSend: () => Interlocked.Increment(ref sends));
        await restarted.WaitForHistoryAsync(leasedInstance, "TimerCreated");
        await restarted.WaitForHistoryAsync(leasedActivityOf, "TimerCreated");
        await restarted.Client.RaiseEventAsync(leasedInstance, PhoneVerificationLogic.ResponseEvent, 2168);
        await restarted.Client.RaiseEventAsync(leasedActivityOf, PhoneVerificationLogic.ResponseEvent, 2168);

        // Assert
        Assert.True((bool)(await restarted.WaitForStatusAsync(leasedInstance, OrchestrationStatus.Completed)).Output!);
        Assert.True((bool)(await restarted.WaitForStatusAsync(leasedActivityOf, OrchestrationStatus.Completed)).Output!);
        Assert.Equal(2, sends);
    }

    public void Dispose() => this.database.Dispose();

    /// <summary>The lease owner id a host of this machine had in a process that has exited.</summary>
    private static async Task<string> DeadOwnerAsync() =>
        Dispatch.LeaseOwnerIdTests.Owner(Environment.MachineName, await Dispatch.LeaseOwnerIdTests.ExitedPidAsync(), 4242);

    /// <summary>The commit of the sample's first episode: ExecutionStarted replayed, the SMS activity scheduled.</summary>
    private static OrchestrationCommit ScheduleSend(OrchestrationWorkItem item, TimeProvider time)
    {
        DateTimeOffset now = time.GetUtcNow();
        return new OrchestrationCommit
        {
            ExecutionId = item.Instance.ExecutionId,
            NewHistory =
            [
                new History.HistoryEvent { EventType = History.EventType.OrchestratorStarted, Timestamp = now },
                item.Messages[0].Event,
                new History.HistoryEvent { EventType = History.EventType.TaskScheduled, EventId = 0, Name = PhoneVerificationLogic.SendChallenge, Timestamp = now },
                new History.HistoryEvent { EventType = History.EventType.OrchestratorCompleted, Timestamp = now },
            ],
            Status = OrchestrationStatus.Running,
            Input = item.Instance.Input,
            UpdatedTime = now,
            ConsumedMessages = [.. item.Messages.Select(m => m.SequenceNumber)],
            ActivityTasks = [new NewActivityTask(item.Instance.InstanceId, item.Instance.ExecutionId, PhoneVerificationLogic.SendChallenge, 0, item.Instance.Input)],
        };
    }

    private Task<EngineHarness> StartAsync(FakeTimeProvider time, bool startEngine = true, Action? onSend = null) =>
        EngineHarness.StartAsync(
            f => PhoneVerificationLogic.Register(f, 2168, onSend),
            t => new SqliteOrchestrationStore(new SqliteStoreOptions { DatabasePath = this.database.Path, HubName = "DeadLeaseHub" }, t),
            time,
            startEngine);
}
