using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Durable.Testing.Processes;

/// <summary>
/// The built FunctionsHost as users run it: <c>dotnet FunctionsHost.dll --port N</c> (the dll beside the running
/// assembly) in an app folder, configured by environment variables, on loopback. Its output is captured; it ends with
/// SIGTERM (a graceful stop) or SIGKILL (a crash), and its exit code can be read.
/// </summary>
public sealed class HostProcess : IDisposable, IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();
    private readonly HostProcessOptions options;
    private readonly Stopwatch sinceSpawn;
    private bool disposed;

    private HostProcess(Process process, int port, HostProcessOptions options, Stopwatch sinceSpawn)
    {
        this.process = process;
        this.Port = port;
        this.options = options;
        this.sinceSpawn = sinceSpawn;
    }

    /// <summary>The loopback port the host serves on.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{this.Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>The process id.</summary>
    public int Pid => this.process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => this.process.HasExited;

    /// <summary>The exit code (only once <see cref="HasExited"/>).</summary>
    public int ExitCode => this.process.ExitCode;

    /// <summary>Whether <see cref="KillAsync"/> ended it.</summary>
    public bool Killed { get; private set; }

    /// <summary>Everything the process wrote so far (its tail when <see cref="HostProcessOptions.OutputLimit"/> is set).</summary>
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

    /// <summary>What the process wrote to standard error alone (where it reports why it could not start).</summary>
    public string Error
    {
        get
        {
            lock (this.output)
            {
                return this.error.ToString();
            }
        }
    }

    /// <summary>Starts the host; it does not wait for it (see <see cref="WaitUntilServingAsync"/>).</summary>
    /// <param name="options">Folder, port, settings, arguments, output handling.</param>
    /// <returns>The running process.</returns>
    public static HostProcess Start(HostProcessOptions options)
    {
        int port = options.Port == 0 ? FreePort() : options.Port;
        ProcessStartInfo start = new("dotnet")
        {
            WorkingDirectory = options.AppFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(options.HostDirectory ?? AppContext.BaseDirectory, "FunctionsHost.dll"));
        if (options.PortFlag)
        {
            start.ArgumentList.Add("--port");
            start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        }

        foreach (string argument in options.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // An inherited ASPNETCORE_URLS would add a second listener the test does not know about.
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach ((string name, string? value) in options.Environment)
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

        Stopwatch sinceSpawn = Stopwatch.StartNew();
        Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        HostProcess host = new(process, port, options, sinceSpawn);

        // Always drain both pipes: a host blocked on a full pipe stops working.
        process.OutputDataReceived += (_, e) => host.Append(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data, isError: true);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>A free loopback port.</summary>
    /// <returns>The port number.</returns>
    public static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Waits until the host answers HTTP (it holds requests until its JobHost has started, so any answer but 503 means it
    /// serves); throws with the output when it exits first or does not answer within <paramref name="limit"/>.
    /// </summary>
    /// <param name="client">The client that probes.</param>
    /// <param name="limit">How long to wait.</param>
    /// <returns>The time from spawn to the first answer.</returns>
    public async Task<TimeSpan> WaitUntilServingAsync(HttpClient client, TimeSpan limit)
    {
        Stopwatch waited = Stopwatch.StartNew();
        Uri probe = new(this.BaseUrl, "host-process-ready");
        while (true)
        {
            this.ThrowIfExited();
            try
            {
                using HttpResponseMessage response = await client.GetAsync(probe).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    return this.sinceSpawn.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (waited.Elapsed > limit)
            {
                throw new TimeoutException($"The host did not answer within {limit}. Output:{Environment.NewLine}{this.Output}");
            }

            await Task.Delay(25).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the output contains <paramref name="text"/> (a banner); throws as <see cref="WaitUntilServingAsync"/>.</summary>
    /// <param name="text">The text to wait for.</param>
    /// <param name="limit">How long to wait.</param>
    /// <returns>A task that completes when the text was written.</returns>
    public async Task WaitForOutputAsync(string text, TimeSpan limit)
    {
        Stopwatch waited = Stopwatch.StartNew();
        while (!this.Output.Contains(text, StringComparison.Ordinal))
        {
            this.ThrowIfExited();
            if (waited.Elapsed > limit)
            {
                throw new TimeoutException($"The host did not write '{text}' within {limit}. Output:{Environment.NewLine}{this.Output}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for a process that should end by itself (a refused start); SIGKILL and throw when it does not.</summary>
    /// <param name="limit">How long to wait.</param>
    /// <returns>The exit code.</returns>
    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using CancellationTokenSource timeout = new(limit);
        try
        {
            await this.process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await this.KillAsync().ConfigureAwait(false);
            throw new TimeoutException($"The host did not exit within {limit}. Output:{Environment.NewLine}{this.Output}");
        }

        // The parameterless wait also waits until both pipes have been read to their end.
        await this.process.WaitForExitAsync().ConfigureAwait(false);
        return this.process.ExitCode;
    }

    /// <summary>SIGKILL: the process ends at once, in the middle of whatever it was doing (leases left behind).</summary>
    /// <returns>A task that completes when the process is gone.</returns>
    public async Task KillAsync()
    {
        this.Killed = true;
        if (!this.process.HasExited)
        {
            this.process.Kill(entireProcessTree: true);
        }

        await this.process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>SIGTERM (as Ctrl+C or a container stop), then waits up to <paramref name="limit"/> for the exit.</summary>
    /// <param name="limit">How long to wait for the exit.</param>
    /// <returns>False when it did not exit in time (it is left running).</returns>
    public async Task<bool> TerminateAsync(TimeSpan limit)
    {
        if (this.process.HasExited)
        {
            return true;
        }

        // .NET has no API for sending a signal other than SIGKILL.
        using (Process kill = Process.Start("/bin/kill", ["-TERM", this.process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        using CancellationTokenSource timeout = new(limit);
        try
        {
            await this.process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>A clean stop: SIGTERM, and SIGKILL when it has not exited within <paramref name="limit"/>.</summary>
    /// <param name="limit">How long a graceful stop may take.</param>
    /// <returns>A task that completes when the process is gone.</returns>
    public async Task StopAsync(TimeSpan limit)
    {
        if (!await this.TerminateAsync(limit).ConfigureAwait(false))
        {
            await this.KillAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Kills the process if it still runs (a test that failed half-way must not leave a host behind); idempotent.</summary>
    public void Dispose()
    {
        if (this.disposed)
        {
            return;
        }

        this.disposed = true;
        if (!this.process.HasExited)
        {
            this.process.Kill(entireProcessTree: true);
            this.process.WaitForExit();
        }

        this.process.Dispose();
    }

    /// <summary>As <see cref="Dispose"/>.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        this.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Keep(StringBuilder text, string line, int? limit)
    {
        if (limit is { } most && text.Length > most)
        {
            text.Remove(0, most / 2);
        }

        text.AppendLine(line);
    }

    private void ThrowIfExited()
    {
        if (this.process.HasExited)
        {
            throw new InvalidOperationException($"The host exited with {this.process.ExitCode} while starting. Output:{Environment.NewLine}{this.Output}");
        }
    }

    private void Append(string? line, bool isError)
    {
        if (line is null)
        {
            return;
        }

        this.options.OutputLine?.Invoke(line);
        lock (this.output)
        {
            Keep(this.output, line, this.options.OutputLimit);
            if (isError)
            {
                Keep(this.error, line, this.options.OutputLimit);
            }
        }
    }
}
