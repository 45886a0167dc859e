using System.Diagnostics;
using System.Globalization;
using Durable.Testing.Processes;

namespace PhoneVerification.LoadTest;

/// <summary>
/// FunctionsHost for reproducible runs, configured only by environment variables (as a user would run it): a temp app
/// folder with the repository's host.json, a SQLite file, the Twilio settings pointing at the tool's sink. It can be
/// stopped and started again on the same port and file (the restart figures); each start is a new <see cref="HostProcess"/>.
/// </summary>
internal sealed class LoadHost : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private readonly HostProcessOptions options;
    private readonly string? logPath;
    private readonly string ownedFolder;
    private HostProcess? process;
    private StreamWriter? log;

    private LoadHost(string appFolder, IReadOnlyDictionary<string, string?> environment, string? logPath, string ownedFolder, string databasePath, string? hostDirectory)
    {
        this.options = new HostProcessOptions
        {
            AppFolder = appFolder,
            HostDirectory = hostDirectory,
            Port = HostProcess.FreePort(),
            Environment = environment,
            Arguments = ["--script-root", appFolder],
            OutputLine = this.Write,
        };
        this.logPath = logPath;
        this.ownedFolder = ownedFolder;
        this.DatabasePath = databasePath;
    }

    /// <summary>The running process's id; null before the first start.</summary>
    public int? Pid => this.process?.Pid;

    public Uri BaseUrl => new($"http://127.0.0.1:{this.options.Port.ToString(CultureInfo.InvariantCulture)}/");

    public string DatabasePath { get; }

    /// <summary>The <see cref="Stopwatch"/> timestamp taken just before the last start spawned the process.</summary>
    public long SpawnedAt { get; private set; }

    /// <summary>Prepares (does not start) a host whose SMS go to <paramref name="twilioBaseUrl"/>.</summary>
    /// <param name="twilioBaseUrl">The sink.</param>
    /// <param name="windowSeconds">SmsChallengeTimeoutSeconds.</param>
    /// <param name="databasePath">The SQLite file; null: one in the temp folder, deleted on dispose.</param>
    /// <param name="settings">Extra environment variables (win over the defaults here).</param>
    /// <param name="logPath">Host output file; null discards it.</param>
    /// <param name="hostDirectory">The folder of the FunctionsHost.dll to start; null: the one beside the tool.</param>
    public static LoadHost Create(Uri twilioBaseUrl, int windowSeconds, string? databasePath, IReadOnlyDictionary<string, string> settings, string? logPath, string? hostDirectory = null)
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

        // Development on loopback: the host skips function keys (as `func start` does), so the tool needs none. The
        // development outbox stays off because the three Twilio settings are set.
        Dictionary<string, string?> environment = new()
        {
            ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
            ["TwilioApiBaseUrl"] = twilioBaseUrl.ToString().TrimEnd('/'),
            ["TwilioAccountSid"] = "AC" + Guid.NewGuid().ToString("N"),
            ["TwilioAuthToken"] = Guid.NewGuid().ToString("N"),
            ["TwilioPhoneNumber"] = "+15005550006",
            ["SmsChallengeTimeoutSeconds"] = windowSeconds.ToString(CultureInfo.InvariantCulture),
            ["AzureFunctionsJobHost__extensions__durableTask__storageProvider__databasePath"] = databasePath,
        };
        foreach ((string key, string value) in settings)
        {
            environment[key] = value;
        }

        return new LoadHost(folder, environment, logPath, root, databasePath, hostDirectory);
    }

    /// <summary>Starts the process and waits until it answers HTTP; returns the time from spawn to first answer.</summary>
    public async Task<TimeSpan> StartAsync(HttpClient client)
    {
        this.log ??= this.logPath is null ? null : new StreamWriter(this.logPath, append: true) { AutoFlush = true };
        this.process?.Dispose();
        this.SpawnedAt = Stopwatch.GetTimestamp();
        this.process = HostProcess.Start(this.options);
        return await this.process.WaitUntilServingAsync(client, StartDeadline).ConfigureAwait(false);
    }

    /// <summary>SIGTERM (a clean stop, as on Ctrl+C) and wait for exit; SIGKILL when it takes too long.</summary>
    public async Task StopAsync()
    {
        if (this.process is { } running)
        {
            await running.StopAsync(StartDeadline).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await this.StopAsync().ConfigureAwait(false);
        this.process?.Dispose();
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
