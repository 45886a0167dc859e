using PhoneVerification.FaultInjection.Scenario;
using PhoneVerification.FaultInjection.Stores;
using Xunit.Abstractions;

namespace PhoneVerification.FaultInjection;

/// <summary>
/// Kills the real host at random moments while verification flows run, restarts it, and checks that nothing
/// acknowledged was lost. The store is a parameter: each backend gets a thin subclass.
/// </summary>
public abstract class FaultInjectionTests
{
    private const int Flows = 40;
    private const int KillCount = 10;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FlowStartSpread = TimeSpan.FromSeconds(25);
    private readonly ITestOutputHelper output;

    protected FaultInjectionTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public async Task RandomKills_ManyFlows_NothingAcknowledgedIsLost()
    {
        // Arrange
        int seed = FaultPlan.ChooseSeed();
        this.Log($"fault injection on {this.CreateStore().Name}: seed {seed} (replay with {FaultPlan.SeedVariable}={seed})");
        FaultPlan plan = FaultPlan.Create(seed, Flows, KillCount, FlowStartSpread);
        await using FaultInjectionRun run = new(this.CreateStore(), plan, Window, this.Log);

        // Act
        RunOutcome outcome = await run.RunAsync();

        // Assert
        RunVerdict verdict = new(outcome);
        string report = verdict.Report();
        this.Log(report);

        // dotnet test shows a passing test's output only at detailed verbosity; .ci/run prints this file after the run.
        await File.WriteAllTextAsync(
            Path.Combine(AppContext.BaseDirectory, $"fault-injection-report-{this.CreateStore().Name.ToLowerInvariant()}.txt"),
            $"Fault injection on {this.CreateStore().Name}:{Environment.NewLine}{report}{Environment.NewLine}");
        if (verdict.Violations.Count > 0)
        {
            this.Log("host output (tails):" + Environment.NewLine + run.HostOutputs());
        }

        Assert.Empty(verdict.Violations);
        Assert.True(outcome.Kills.Count >= KillCount, $"only {outcome.Kills.Count} kills landed");
    }

    /// <summary>The store under test: a fresh one per call.</summary>
    internal abstract IStoreUnderTest CreateStore();

    private void Log(string line)
    {
        // Both: the xunit output for the test log, the console for `dotnet test` runs that show it.
        this.output.WriteLine(line);
        Console.WriteLine(line);
    }
}
