using System.Runtime.CompilerServices;
using Durable.Core.Client;
using Durable.Core.Storage;
using Durable.Core.Storage.InMemory;
using Durable.Sqlite;
using Durable.Core.Tests.Fakes;
using Durable.Testing;

namespace Durable.Core.Tests.Engine;

/// <summary>
/// Poison protection: a work item that keeps failing to run, or whose every attempt dies with its process, is given up
/// on after <see cref="DurableEngineOptions.MaxDequeueCount"/> attempts with a visible error, while other instances flow.
/// </summary>
public sealed class PoisonTests : IDisposable
{
    private const int MaxDequeueCount = 3;
    private readonly TempDatabaseFile database = new("durable-poison");

    [Fact]
    public async Task Episode_FailsToRunEveryTime_InstanceFailsAfterMaxAttemptsAndOthersComplete()
    {
        // Arrange: "Broken" cannot even be invoked (as when its binding fails); "Fine" is ordinary.
        BrokenOrchestratorInvoker? broken = null;
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f
                .AddOrchestrator("Broken", _ => Task.FromResult("never"))
                .AddOrchestrator("Fine", _ => Task.FromResult("done")),
            t => new InMemoryOrchestrationStore(t),
            configure: o => o.MaxDequeueCount = MaxDequeueCount,
            orchestrators: f => broken = new BrokenOrchestratorInvoker(f, "Broken"));

        // Act: each failed attempt is retried after a 1-second delay on the fake clock.
        string brokenId = await harness.Client.StartNewAsync("Broken", null, null);
        string fineId = await harness.Client.StartNewAsync("Fine", null, null);
        OrchestrationMetadata failed = await AdvanceUntilAsync(harness, brokenId, OrchestrationStatus.Failed);

        // Assert
        Assert.Equal(MaxDequeueCount, broken!.Attempts);
        string output = (string)failed.Output!;
        Assert.Contains($"Gave up after {MaxDequeueCount} attempt(s)", output, StringComparison.Ordinal);
        Assert.Contains("binding failed", output, StringComparison.Ordinal);
        Assert.Equal("done", (string?)(await harness.WaitForStatusAsync(fineId, OrchestrationStatus.Completed)).Output);
    }

    [Fact]
    public async Task Episode_FailsOnceThenRuns_InstanceCompletes()
    {
        // Arrange
        BrokenOrchestratorInvoker? flaky = null;
        await using EngineHarness harness = await EngineHarness.StartAsync(
            f => f.AddOrchestrator("Flaky", _ => Task.FromResult("done")),
            t => new InMemoryOrchestrationStore(t),
            configure: o => o.MaxDequeueCount = MaxDequeueCount,
            orchestrators: f => flaky = new BrokenOrchestratorInvoker(f, "Flaky", failures: 1));

        // Act
        string id = await harness.Client.StartNewAsync("Flaky", null, null);
        OrchestrationMetadata completed = await AdvanceUntilAsync(harness, id, OrchestrationStatus.Completed);

        // Assert
        Assert.Equal("done", (string?)completed.Output);
        Assert.Equal(2, flaky!.Attempts);
    }

    [Fact]
    public async Task Activity_EveryAttemptDiesWithItsProcess_TaskFailsWithGaveUpAndActivityNotRunAgain()
    {
        // Arrange: a first host leases the activity from the queue and is stopped while it runs (its attempt hands the task
        // back)...
        FakeTimeProvider time = new();
        StrongBox<int> runs = new();
        Action<FunctionRegistry> register = SenderCatchingFailures(runs);

        string id;
        HangingActivityInvoker? hanging = null;
        await using (EngineHarness first = await this.StartAsync(time, register, activities: f => hanging = new HangingActivityInvoker(f), inlineActivities: false))
        {
            id = await first.Client.StartNewAsync("Sender", null, null);
            await hanging!.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        // ...then two more hosts lease it and die without a trace (their leases simply expire).
        await this.LeaseActivityAndDieAsync(time, firstAttempt: 2);

        // Act: a healthy host starts.
        await using EngineHarness healthy = await this.StartAsync(time, register, inlineActivities: false);
        OrchestrationMetadata status = await healthy.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert: the orchestrator saw a failed task naming the attempts; the activity never ran on the healthy host.
        AssertActivityGaveUp(status);
        Assert.Equal(0, runs.Value);
    }

    [Fact]
    public async Task InlineActivity_EveryAttemptDiesWithItsProcess_InlineRunCountsAndTheTaskFailsNotTheInstance()
    {
        // Arrange: a first host runs the activity inside its episode and is stopped while it runs (attempt 1)...
        FakeTimeProvider time = new();
        StrongBox<int> runs = new();
        Action<FunctionRegistry> register = SenderCatchingFailures(runs);

        string id;
        HangingActivityInvoker? hanging = null;
        await using (EngineHarness first = await this.StartAsync(time, register, activities: f => hanging = new HangingActivityInvoker(f)))
        {
            id = await first.Client.StartNewAsync("Sender", null, null);
            await hanging!.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        // ...the episode's second attempt queues it, and the host that leases it from the queue is stopped too...
        hanging = null;
        await using (EngineHarness second = await this.StartAsync(time, register, activities: f => hanging = new HangingActivityInvoker(f)))
        {
            await hanging!.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        // ...and the rest of its attempts die without a trace.
        await this.LeaseActivityAndDieAsync(time, firstAttempt: 3);

        // Act: a healthy host starts.
        await using EngineHarness healthy = await this.StartAsync(time, register);
        OrchestrationMetadata status = await healthy.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert: the inline run was the first of the activity's attempts; the orchestrator got a failed task to handle.
        AssertActivityGaveUp(status);
        Assert.Equal(0, Volatile.Read(ref runs.Value));
    }

    /// <summary>"Sender" calls "Send" and returns a failed task's type and message; "Send" counts its runs.</summary>
    private static Action<FunctionRegistry> SenderCatchingFailures(StrongBox<int> runs) => f => f
        .AddOrchestrator("Sender", async ctx =>
        {
            try
            {
                return await ctx.CallActivityAsync<string>("Send", "+14255550100");
            }
            catch (TaskFailedException e)
            {
                return $"{e.ErrorType}|{e.Message}";
            }
        })
        .AddActivity<string, string>("Send", (_, _) =>
        {
            Interlocked.Increment(ref runs.Value);
            return Task.FromResult("sent");
        });

    /// <summary>Hosts that lease the queued "Send" task and die without a trace, from its <paramref name="firstAttempt"/> on.</summary>
    private async Task LeaseActivityAndDieAsync(FakeTimeProvider time, int firstAttempt)
    {
        await using SqliteOrchestrationStore store = this.NewStore(time);
        await store.InitializeAsync(CancellationToken.None);
        for (int crash = firstAttempt; crash <= MaxDequeueCount; crash++)
        {
            ActivityWorkItem? leased = await store.LeaseActivityAsync($"crashed-host-{crash}", TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.Equal(crash, leased?.DequeueCount);
            time.Advance(TimeSpan.FromSeconds(31));
        }
    }

    private static void AssertActivityGaveUp(OrchestrationMetadata status)
    {
        string output = (string)status.Output!;
        Assert.StartsWith(typeof(AttemptsExhaustedException).FullName + "|", output, StringComparison.Ordinal);
        Assert.Contains($"Gave up after {MaxDequeueCount} attempt(s) to run activity 'Send'", output, StringComparison.Ordinal);
    }

    public void Dispose() => this.database.Dispose();

    private static async Task<OrchestrationMetadata> AdvanceUntilAsync(EngineHarness harness, string instanceId, OrchestrationStatus wanted)
    {
        using CancellationTokenSource limit = new(TimeSpan.FromSeconds(10));
        while (true)
        {
            OrchestrationMetadata? status = await harness.Client.GetStatusAsync(instanceId, showHistory: false);
            if (status?.RuntimeStatus == wanted)
            {
                return status;
            }

            limit.Token.ThrowIfCancellationRequested();

            // Bounded polling: let the dispatcher abandon the attempt, then move past its retry delay.
            await Task.Delay(10, limit.Token);
            harness.Time.Advance(TimeSpan.FromMilliseconds(250));
        }
    }

    private SqliteOrchestrationStore NewStore(TimeProvider time) =>
        new(new SqliteStoreOptions { DatabasePath = this.database.Path, HubName = "PoisonHub" }, time);

    private Task<EngineHarness> StartAsync(FakeTimeProvider time, Action<FunctionRegistry> register, Func<FunctionRegistry, IActivityInvoker>? activities = null, bool inlineActivities = true) =>
        EngineHarness.StartAsync(
            register,
            this.NewStore,
            time,
            configure: o =>
            {
                o.MaxDequeueCount = MaxDequeueCount;
                o.ShutdownTimeout = TimeSpan.Zero;
                o.InlineActivities = inlineActivities;
            },
            activities: activities);
}
