using Durable.Core.History;
using Durable.Core.Storage;
using Durable.Core.Storage.InMemory;
using Durable.Sqlite;
using Durable.Testing;

namespace Durable.Core.Tests.Engine;

/// <summary>The sample's orchestrator run for real on the engine: the four outcomes users see, on every store.</summary>
public abstract class PhoneVerificationFlowTests
{
    private const int Code = 2168;

    protected abstract IOrchestrationStore CreateStore(TimeProvider time);

    private Task<EngineHarness> StartAsync(Action<FunctionRegistry> register) => EngineHarness.StartAsync(register, this.CreateStore);

    [Fact]
    public async Task Run_RightCodeFirstTry_CompletesTrueAndReleasesTimer()
    {
        // Arrange
        int sends = 0;
        await using EngineHarness harness = await this.StartAsync(f => PhoneVerificationLogic.Register(f, Code, () => Interlocked.Increment(ref sends)));
        string id = await harness.Client.StartNewAsync(PhoneVerificationLogic.Orchestrator, null, "+14255550123");
        await harness.WaitForHistoryAsync(id, "TimerCreated");

        // Act
        await harness.Client.RaiseEventAsync(id, PhoneVerificationLogic.ResponseEvent, Code);

        // Assert: completed without the 90 s timer firing (the clock never moved), activity ran once.
        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.True((bool)status.Output!);
        Assert.Equal("+14255550123", (string?)status.Input);
        Assert.Equal(1, sends);
        Assert.DoesNotContain(status.History!, e => e.EventType == EventType.TimerFired);
    }

    [Fact]
    public async Task Run_ThreeWrongThenRight_CompletesTrue()
    {
        await using EngineHarness harness = await this.StartAsync(f => PhoneVerificationLogic.Register(f, Code));
        string id = await harness.Client.StartNewAsync(PhoneVerificationLogic.Orchestrator, null, "+14255550123");
        await harness.WaitForHistoryAsync(id, "TimerCreated");

        foreach (int attempt in new[] { 1, 2, 3, Code })
        {
            Assert.Equal(EnqueueResult.Accepted, await harness.Client.RaiseEventAsync(id, PhoneVerificationLogic.ResponseEvent, attempt));
        }

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.True((bool)status.Output!);
    }

    [Fact]
    public async Task Run_FourWrongCodes_CompletesFalseEvenIfRightCodeFollows()
    {
        await using EngineHarness harness = await this.StartAsync(f => PhoneVerificationLogic.Register(f, Code));
        string id = await harness.Client.StartNewAsync(PhoneVerificationLogic.Orchestrator, null, "+14255550123");
        await harness.WaitForHistoryAsync(id, "TimerCreated");

        foreach (int attempt in new[] { 1, 2, 3, 4 })
        {
            await harness.Client.RaiseEventAsync(id, PhoneVerificationLogic.ResponseEvent, attempt);
        }

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.False((bool)status.Output!);
        Assert.Equal(EnqueueResult.Gone, await harness.Client.RaiseEventAsync(id, PhoneVerificationLogic.ResponseEvent, Code));
    }

    [Fact]
    public async Task Run_NoAnswerWithinWindow_CompletesFalseWhenTimerFires()
    {
        await using EngineHarness harness = await this.StartAsync(f => PhoneVerificationLogic.Register(f, Code));
        string id = await harness.Client.StartNewAsync(PhoneVerificationLogic.Orchestrator, null, "+14255550123");
        await harness.WaitForHistoryAsync(id, "TimerCreated");

        // Act: just before the deadline nothing happens; just after, the timer fires.
        harness.Time.Advance(PhoneVerificationLogic.Window - TimeSpan.FromSeconds(1));
        Assert.Equal(OrchestrationStatus.Running, (await harness.Client.GetStatusAsync(id))!.RuntimeStatus);
        harness.Time.Advance(TimeSpan.FromSeconds(2));

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);
        Assert.False((bool)status.Output!);
        Assert.Contains(status.History!, e => e.EventType == EventType.TimerFired);
    }

    [Fact]
    public async Task Run_NoPhoneNumber_FailsWithMessageInOutput()
    {
        await using EngineHarness harness = await this.StartAsync(f => PhoneVerificationLogic.Register(f, Code));
        string id = await harness.Client.StartNewAsync(PhoneVerificationLogic.Orchestrator, null, null);

        var status = await harness.WaitForStatusAsync(id, OrchestrationStatus.Failed);
        Assert.Contains("A phone number input is required.", (string?)status.Output);
        Assert.StartsWith("Orchestrator function 'E4_SmsPhoneVerification' failed:", (string?)status.Output);
    }
}

public sealed class InMemoryPhoneVerificationFlowTests : PhoneVerificationFlowTests
{
    protected override IOrchestrationStore CreateStore(TimeProvider time) => new InMemoryOrchestrationStore(time);
}

public sealed class SqlitePhoneVerificationFlowTests : PhoneVerificationFlowTests, IDisposable
{
    private readonly TempDatabaseFile database = new("durable-flow");

    public void Dispose() => this.database.Dispose();

    protected override IOrchestrationStore CreateStore(TimeProvider time) =>
        new SqliteOrchestrationStore(new SqliteStoreOptions { DatabasePath = this.database.Path, HubName = "FlowHub" }, time);
}
