using System.Diagnostics;
using System.Globalization;
using System.Text;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.CliTests;

/// <summary>
/// A function app folder (host.json) in the temp folder, and the way to run <c>FunctionsHost durable ...</c> in it as a
/// child process (<c>dotnet FunctionsHost.dll durable ...</c>, what <c>dotnet run --project src/FunctionsHost -- durable</c> runs).
/// </summary>
internal sealed class AppFolder : IDisposable
{
    private static readonly TimeSpan CommandDeadline = TimeSpan.FromSeconds(120);

    private AppFolder(string path, IReadOnlyDictionary<string, string> environment)
    {
        this.Path = path;
        this.Environment = environment;
    }

    public string Path { get; }

    /// <summary>Environment variables every child process gets (app settings such as a connection string).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The SQLite file host.json names (SQLite apps).</summary>
    public string DatabasePath => System.IO.Path.Combine(this.Path, "data", "durable.db");

    public static AppFolder Sqlite(string hubName) => Create(hubName, new JObject { ["type"] = "sqlite", ["databasePath"] = "data/durable.db" }, new Dictionary<string, string>());

    public static AppFolder Postgres(string hubName, string connectionSetting, IReadOnlyDictionary<string, string> environment) =>
        Create(hubName, new JObject { ["type"] = "postgres", ["connectionStringName"] = connectionSetting }, environment);

    /// <summary>Runs <c>FunctionsHost durable</c> with <paramref name="args"/>; <paramref name="input"/> is written to its standard input.</summary>
    public async Task<CliResult> DurableWithInputAsync(string? input, params string[] args)
    {
        using Process process = this.StartDurable(args);
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteLineAsync(input);
        }

        process.StandardInput.Close();
        using CancellationTokenSource deadline = new(CommandDeadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"durable {string.Join(' ', args)} did not finish within {CommandDeadline}.");
        }

        return new CliResult(process.ExitCode, await output, await error);
    }

    /// <summary>Runs <c>FunctionsHost durable</c> with <paramref name="args"/> and nothing on standard input.</summary>
    public Task<CliResult> DurableAsync(params string[] args) => this.DurableWithInputAsync(null, args);

    /// <summary>Starts <c>FunctionsHost durable</c> with <paramref name="args"/>, all three standard streams redirected.</summary>
    public Process StartDurable(params string[] args)
    {
        ProcessStartInfo start = this.StartInfo();
        start.RedirectStandardInput = true;
        start.ArgumentList.Add("durable");
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
    }

    /// <summary>A process start for <c>dotnet FunctionsHost.dll</c> in this folder with this folder's environment.</summary>
    public ProcessStartInfo StartInfo()
    {
        ProcessStartInfo start = new("dotnet")
        {
            WorkingDirectory = this.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(System.IO.Path.Combine(AppContext.BaseDirectory, "FunctionsHost.dll"));
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach ((string key, string value) in this.Environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(this.Path, recursive: true);
        }
        catch (IOException)
        {
            // A host still closing its file: the temp folder is cleaned up by the system.
        }
    }

    private static AppFolder Create(string hubName, JObject storageProvider, IReadOnlyDictionary<string, string> environment)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cli-" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(path);
        JObject hostJson = new()
        {
            ["version"] = "2.0",
            ["extensions"] = new JObject
            {
                ["http"] = new JObject { ["routePrefix"] = string.Empty },
                ["durableTask"] = new JObject { ["hubName"] = hubName, ["storageProvider"] = storageProvider },
            },
        };
        File.WriteAllText(System.IO.Path.Combine(path, "host.json"), hostJson.ToString());
        return new AppFolder(path, environment);
    }
}
