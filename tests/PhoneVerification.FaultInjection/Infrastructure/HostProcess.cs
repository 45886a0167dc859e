using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PhoneVerification.FaultInjection.Infrastructure;

/// <summary>
/// The real host as users run it: <c>dotnet FunctionsHost.dll</c> in an app folder, configured by environment variables,
/// ended with SIGKILL (a crash) or SIGTERM (a graceful stop). Output is kept for the failure message.
/// </summary>
internal sealed class HostProcess : IDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private readonly Process process;
    private readonly StringBuilder output;

    private HostProcess(Process process, StringBuilder output, int port)
    {
        this.process = process;
        this.output = output;
        this.Port = port;
    }

    public int Port { get; }

    public int Pid => this.process.Id;

    public bool HasExited => this.process.HasExited;

    public int ExitCode => this.process.ExitCode;

    /// <summary>Everything the process wrote so far.</summary>
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

    /// <summary>Starts the host in <paramref name="appFolder"/> on <paramref name="port"/> with the given environment.</summary>
    public static HostProcess Start(string appFolder, int port, IReadOnlyDictionary<string, string?> environment)
    {
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
        foreach ((string name, string? value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        StringBuilder output = new();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HostProcess(process, output, port);
    }

    /// <summary>A free loopback port.</summary>
    public static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until the host answers HTTP (it holds requests until its JobHost has started); returns when that was.</summary>
    public async Task<DateTimeOffset> WaitUntilReadyAsync(HttpClient client)
    {
        DateTime deadline = DateTime.UtcNow + StartLimit;
        while (true)
        {
            if (this.process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with {this.process.ExitCode} while starting. Output:{Environment.NewLine}{this.Output}");
            }

            try
            {
                using HttpResponseMessage response = await client.GetAsync(new Uri($"http://127.0.0.1:{this.Port}/fault-injection/ready"));
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return DateTimeOffset.UtcNow;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The host did not answer within {StartLimit}. Output:{Environment.NewLine}{this.Output}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>SIGKILL: the process ends at once, in the middle of whatever it was doing.</summary>
    public async Task KillAsync()
    {
        if (!this.process.HasExited)
        {
            this.process.Kill();
        }

        await this.process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then waits up to <paramref name="limit"/> for the exit; false when it did not exit in time.</summary>
    public async Task<bool> TerminateAsync(TimeSpan limit)
    {
        using (Process kill = Process.Start("/bin/kill", ["-TERM", this.process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using CancellationTokenSource timeout = new(limit);
        try
        {
            await this.process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!this.process.HasExited)
        {
            this.process.Kill(entireProcessTree: true);
            this.process.WaitForExit();
        }

        this.process.Dispose();
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            // Keep the tail: a long run writes a lot, and only the end helps when something fails.
            if (output.Length > 200_000)
            {
                output.Remove(0, 100_000);
            }

            output.AppendLine(line);
        }
    }
}
