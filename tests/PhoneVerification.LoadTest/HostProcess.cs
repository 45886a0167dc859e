using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PhoneVerification.LoadTest;

/// <summary>
/// FunctionsHost as a child process, configured only by environment variables (as a user would run it), for
/// reproducible runs: a temp app folder with the repository's host.json, a SQLite file, the Twilio settings
/// pointing at the tool's sink.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private readonly ProcessStartInfo startInfo;
    private readonly string? logPath;
    private readonly string ownedFolder;
    private StreamWriter? log;

    private HostProcess(ProcessStartInfo startInfo, string? logPath, string ownedFolder, Uri baseUrl, string databasePath)
    {
        this.startInfo = startInfo;
        this.logPath = logPath;
        this.ownedFolder = ownedFolder;
        this.BaseUrl = baseUrl;
        this.DatabasePath = databasePath;
    }

    public Process? Process { get; private set; }

    public Uri BaseUrl { get; }

    public string DatabasePath { get; }

    /// <summary>Prepares (does not start) a host whose SMS go to <paramref name="twilioBaseUrl"/>.</summary>
    /// <param name="twilioBaseUrl">The sink.</param>
    /// <param name="windowSeconds">SmsChallengeTimeoutSeconds.</param>
    /// <param name="databasePath">The SQLite file; null: one in the temp folder, deleted on dispose.</param>
    /// <param name="settings">Extra environment variables (win over the defaults here).</param>
    /// <param name="logPath">Host output file; null discards it.</param>
    public static HostProcess Create(Uri twilioBaseUrl, int windowSeconds, string? databasePath, IReadOnlyDictionary<string, string> settings, string? logPath)
    {
        // The app folder (host.json) and the store sit side by side, not one inside the other: the host watches its
        // app folder for configuration changes, and every SQLite write inside it would wake that watcher.
        string root = Path.Combine(Path.GetTempPath(), "pv-loadtest-" + Guid.NewGuid().ToString("N"));
        string folder = Path.Combine(root, "app");
        Directory.CreateDirectory(folder);
        File.Copy(FindHostJson(), Path.Combine(folder, "host.json"));
        if (databasePath is null)
        {
            Directory.CreateDirectory(Path.Combine(root, "store"));
            databasePath = Path.Combine(root, "store", "durable.db");
        }

        string owned = root;
        int port = FreePort();

        ProcessStartInfo start = new("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FunctionsHost.dll"));
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--script-root");
        start.ArgumentList.Add(folder);
        start.Environment.Remove("ASPNETCORE_URLS");
        // Development on loopback: the host skips function keys (as `func start` does), so the tool needs none. The
        // development outbox stays off because the three Twilio settings are set.
        start.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
        start.Environment["TwilioApiBaseUrl"] = twilioBaseUrl.ToString().TrimEnd('/');
        start.Environment["TwilioAccountSid"] = "AC" + Guid.NewGuid().ToString("N");
        start.Environment["TwilioAuthToken"] = Guid.NewGuid().ToString("N");
        start.Environment["TwilioPhoneNumber"] = "+15005550006";
        start.Environment["SmsChallengeTimeoutSeconds"] = windowSeconds.ToString(CultureInfo.InvariantCulture);
        start.Environment["AzureFunctionsJobHost__extensions__durableTask__storageProvider__databasePath"] = databasePath;
        foreach ((string key, string value) in settings)
        {
            start.Environment[key] = value;
        }

        return new HostProcess(start, logPath, owned, new Uri($"http://127.0.0.1:{port}/"), databasePath);
    }

    /// <summary>Starts the process and waits until it answers HTTP; returns the time from spawn to first answer.</summary>
    public async Task<TimeSpan> StartAsync(HttpClient client)
    {
        Stopwatch clock = Stopwatch.StartNew();
        Process process = Process.Start(this.startInfo) ?? throw new InvalidOperationException("dotnet did not start.");
        this.Process = process;
        this.log ??= this.logPath is null ? null : new StreamWriter(this.logPath, append: true) { AutoFlush = true };

        // Always drain the pipes: a host blocked on a full stdout pipe would measure the tool, not the host.
        process.OutputDataReceived += (_, e) => this.Write(e.Data);
        process.ErrorDataReceived += (_, e) => this.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {process.ExitCode} before serving (see --host-log).");
            }

            try
            {
                // Any answer (the unknown route gives 404 JSON) means Kestrel and the JobHost are up.
                using HttpResponseMessage response = await client.GetAsync(new Uri(this.BaseUrl, "loadtest-ready")).ConfigureAwait(false);
                return clock.Elapsed;
            }
            catch (HttpRequestException)
            {
            }

            if (clock.Elapsed > StartDeadline)
            {
                throw new TimeoutException($"The host did not answer within {StartDeadline.TotalSeconds} s.");
            }

            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    /// <summary>SIGTERM (a clean stop, as on Ctrl+C) and wait for exit.</summary>
    public async Task StopAsync()
    {
        if (this.Process is not { HasExited: false } process)
        {
            return;
        }

        using (Process kill = System.Diagnostics.Process.Start("/bin/kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        using CancellationTokenSource deadline = new(StartDeadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await this.StopAsync().ConfigureAwait(false);
        this.Process?.Dispose();
        if (this.log is not null)
        {
            await this.log.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            // The app folder, and the store too unless --db named one (kept for later runs).
            Directory.Delete(this.ownedFolder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS's temp cleanup.
        }
    }

    private static string FindHostJson()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "host.json");
            if (File.Exists(Path.Combine(dir.FullName, "PhoneVerification.sln")) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("The repository's host.json was not found above " + AppContext.BaseDirectory + "; run the tool from its build output inside the clone.");
    }

    private static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Write(string? line)
    {
        if (line is not null && this.log is { } writer)
        {
            lock (writer)
            {
                writer.WriteLine(line);
            }
        }
    }
}
