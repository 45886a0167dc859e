using System.Text.RegularExpressions;
using Durable.Testing.Processes;

namespace MultiHost.Tests;

/// <summary>
/// One named FunctionsHost process of the run. The work items it ran are counted from its own log: one
/// <c>Executed 'E4_…'</c> line per orchestration episode or activity execution (the WebJobs function log at Information
/// level), so nothing in the host counts for the test.
/// </summary>
internal sealed partial class NamedHost : IDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);
    private readonly HostProcess process;

    private NamedHost(string name, HostProcess process)
    {
        this.Name = name;
        this.process = process;
        this.Client = new HttpClient { BaseAddress = process.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Name { get; }

    public HttpClient Client { get; }

    public bool Killed => this.process.Killed;

    public string Output => this.process.Output;

    /// <summary>Orchestration episodes and activity executions this host ran (counted from its log).</summary>
    public int WorkItems => ExecutedLine().Count(this.Output);

    /// <summary>The instances this host committed a terminal status for (the engine logs each such commit once).</summary>
    public IEnumerable<string> FinishedInstances => FinishedLine().Matches(this.Output).Select(m => m.Groups[1].Value);

    /// <summary>Starts the host in <paramref name="appFolder"/> and waits for its banner.</summary>
    public static async Task<NamedHost> StartAsync(string name, string appFolder, IReadOnlyDictionary<string, string> environment)
    {
        // The whole log is kept: the counts above are taken over all of it.
        HostProcess process = HostProcess.Start(new HostProcessOptions
        {
            AppFolder = appFolder,
            Environment = environment.ToDictionary(setting => setting.Key, setting => (string?)setting.Value),
            OutputLimit = null,
        });
        NamedHost host = new(name, process);
        try
        {
            await process.WaitForOutputAsync("Task hub: ", StartDeadline);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            host.Dispose();
            throw new InvalidOperationException($"Host {name} did not start.", e);
        }

        return host;
    }

    /// <summary>SIGKILL: no shutdown, leases left behind, as a crashed machine.</summary>
    public void Kill() => this.process.KillAsync().GetAwaiter().GetResult();

    public void Dispose()
    {
        this.process.Dispose();
        this.Client.Dispose();
    }

    [GeneratedRegex(@"Executed 'E4_(SmsPhoneVerification|SendSmsChallenge)'")]
    private static partial Regex ExecutedLine();

    [GeneratedRegex(@"Orchestration '([0-9a-f]+)' \(E4_SmsPhoneVerification\) is (Completed|Failed|Terminated)")]
    private static partial Regex FinishedLine();
}
