using Durable.Core.Tests.Fakes;
using Durable.Sqlite;
using Durable.Testing;

namespace Durable.Core.Tests.Engine;

/// <summary>An activity cut off by its host runs again on the next one, told which attempt it is and which call it serves.</summary>
public sealed class AttemptTests : IDisposable
{
    private readonly TempDatabaseFile database = new("durable-attempt");

    // Inline, the host stopped mid-run hands the episode back, and its next attempt queues the activity with that run counted.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Activity_HostStoppedMidRun_NextHostRunsItAsAttemptTwoOfTheSameCall(bool inlineActivities)
    {
        // Arrange: the first host starts the activity and is stopped while it runs.
        FakeTimeProvider time = new();
        List<(int Attempt, string InvocationId)> seen = [];
        void Register(FunctionRegistry f) => f
            .AddOrchestrator("Sender", ctx => ctx.CallActivityAsync<string>("Send", "+14255550100"))
            .AddActivity<string, string>("Send", (_, context) =>
            {
                lock (seen)
                {
                    seen.Add((context.Attempt, context.InvocationId));
                }

                return Task.FromResult("sent");
            });

        string id;
        HangingActivityInvoker? hanging = null;
        await using (EngineHarness first = await this.StartAsync(time, Register, inlineActivities, f => hanging = new HangingActivityInvoker(f)))
        {
            id = await first.Client.StartNewAsync("Sender", null, null);
            await hanging!.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        // Act
        await using EngineHarness second = await this.StartAsync(time, Register, inlineActivities);
        await second.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert
        (int attempt, string invocationId) = Assert.Single(seen);
        Assert.Equal(2, attempt);
        string executionId = (await second.Store.GetInstanceAsync(id, CancellationToken.None))!.ExecutionId;
        Assert.Equal($"{executionId}:0", invocationId);
    }

    public void Dispose() => this.database.Dispose();

    private Task<EngineHarness> StartAsync(FakeTimeProvider time, Action<FunctionRegistry> register, bool inlineActivities, Func<FunctionRegistry, IActivityInvoker>? activities = null) =>
        EngineHarness.StartAsync(
            register,
            t => new SqliteOrchestrationStore(new SqliteStoreOptions { DatabasePath = this.database.Path, HubName = "AttemptHub" }, t),
            time,
            configure: o =>
            {
                o.ShutdownTimeout = TimeSpan.Zero;
                o.InlineActivities = inlineActivities;
            },
            activities: activities);
}
