using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace MultiHost.Tests;

/// <summary>
/// One FunctionsHost process as users run it (<c>dotnet FunctionsHost.dll --port N</c>), its output captured. The
/// work items it ran are counted from its own log: one <c>Executed 'E4_…'</c> line per orchestration episode or
/// activity execution (the WebJobs function log at Information level), so nothing in the host counts for the test.
/// </summary>
internal sealed partial class HostProcess : IDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);
    private readonly Process process;
    private readonly StringBuilder output = new();

    private HostProcess(string name, Process process, int port)
    {
        this.Name = name;
        this.process = process;
        this.Port = port;
        this.Client = new HttpClient { BaseAddress = new Uri(this.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Name { get; }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{this.Port}";

    public HttpClient Client { get; }

    public bool Killed { get; private set; }

    public string Output
    {
        get
        {
            lock (this.output)
            {
                return this.output.ToString();
            }
        }
    }

    /// <summary>Orchestration episodes and activity executions this host ran (counted from its log).</summary>
    public int WorkItems => ExecutedLine().Count(this.Output);

    /// <summary>The instances this host committed a terminal status for (the engine logs each such commit once).</summary>
    public IEnumerable<string> FinishedInstances => FinishedLine().Matches(this.Output).Select(m => m.Groups[1].Value);

    /// <summary>Starts the host in <paramref name="appFolder"/> and waits for its banner.</summary>
    public static async Task<HostProcess> StartAsync(string name, string appFolder, IReadOnlyDictionary<string, string> environment)
    {
        int port = FreePort();
        ProcessStartInfo start = new("dotnet")
        {
            WorkingDirectory = appFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FunctionsHost.dll"));
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        HostProcess host = new(name, process, port);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        DateTime deadline = DateTime.UtcNow + StartDeadline;
        while (!host.Output.Contains("Task hub: ", StringComparison.Ordinal))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                host.Dispose();
                throw new InvalidOperationException($"Host {name} did not start (exited: {process.HasExited}). Output:\n{host.Output}");
            }

            await Task.Delay(100);
        }

        return host;
    }

    /// <summary>SIGKILL: no shutdown, leases left behind, as a crashed machine.</summary>
    public void Kill()
    {
        this.Killed = true;
        this.process.Kill(entireProcessTree: true);
        this.process.WaitForExit();
    }

    public void Dispose()
    {
        if (!this.process.HasExited)
        {
            this.process.Kill(entireProcessTree: true);
            this.process.WaitForExit();
        }

        this.process.Dispose();
        this.Client.Dispose();
    }

    private static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Executed 'E4_(SmsPhoneVerification|SendSmsChallenge)'")]
    private static partial Regex ExecutedLine();

    [GeneratedRegex(@"Orchestration '([0-9a-f]+)' \(E4_SmsPhoneVerification\) is (Completed|Failed|Terminated)")]
    private static partial Regex FinishedLine();

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (this.output)
            {
                this.output.AppendLine(line);
            }
        }
    }
}
