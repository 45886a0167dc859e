using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Durable.Testing;

/// <summary>
/// A throwaway PostgreSQL server for tests: <c>initdb</c> into a temp folder, started on a free loopback port with
/// its unix socket in that folder, stopped and deleted on dispose. Needs the server binaries of a Debian
/// <c>postgresql</c> package (<c>/usr/lib/postgresql/N/bin</c>); <see cref="SkipReason"/> says when there are none.
/// Binaries that exist but fail to start the server make <see cref="StartAsync"/> throw, with the server's log.
/// </summary>
/// <remarks>
/// initdb and postgres refuse to run as root (CI runs as root), so as root they run as the <c>postgres</c> user the
/// package creates, via <c>runuser</c>, in a folder that user owns. By default durability settings are off (fsync): the
/// tests kill hosts, never this server, and the cluster is deleted afterwards. The load tool asks for a durable server
/// (the defaults: fsync and synchronous_commit on), since it measures what a real deployment pays. The class lives in
/// Durable.Testing.Processes (no xunit) so that tool can use it; its namespace stays that of the other test helpers.
/// </remarks>
public sealed class PostgresCluster : IAsyncDisposable
{
    private const string ServiceUser = "postgres";
    private static readonly string? BinDirectory = FindBinDirectory();

    private readonly string folder;
    private readonly string dataFolder;
    private string serverOptions = string.Empty;
    private int stopped;

    private PostgresCluster(string folder, int port)
    {
        this.folder = folder;
        this.dataFolder = Path.Combine(folder, "data");
        this.Port = port;
    }

    /// <summary>Why PostgreSQL tests cannot run here (no server binaries), or null when they can.</summary>
    public static string? SkipReason => BinDirectory is null
        ? "PostgreSQL tests skipped: no PostgreSQL server binaries (initdb, pg_ctl, postgres) under /usr/lib/postgresql/*/bin (or POSTGRES_BIN_DIR). " +
          "Install them with 'apt-get install -y postgresql' (.ci/run does)."
        : null;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The connection string of the <c>postgres</c> maintenance database (superuser, trust authentication).</summary>
    public string AdminConnectionString => this.ConnectionString("postgres");

    /// <summary>initdb + start, durability off (for tests); throws with the tool's output and the server log when either fails.</summary>
    public static Task<PostgresCluster> StartAsync() => StartAsync(durable: false, []);

    /// <summary>initdb + start; throws with the tool's output and the server log when either fails.</summary>
    /// <param name="durable">True keeps the server's durability defaults (fsync, synchronous_commit, full_page_writes on).</param>
    /// <param name="settings">More server settings, each <c>name=value</c> (passed as <c>-c name=value</c>).</param>
    public static async Task<PostgresCluster> StartAsync(bool durable, IReadOnlyList<string> settings)
    {
        string bin = BinDirectory ?? throw new InvalidOperationException(SkipReason);
        string folder = Path.Combine(Path.GetTempPath(), $"durable-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        PostgresCluster cluster = new(folder, FreeLoopbackPort());
        try
        {
            if (Environment.IsPrivilegedProcess)
            {
                await RunAsync("chown", ["-R", $"{ServiceUser}:", folder], asServiceUser: false).ConfigureAwait(false);
            }

            await RunAsync(Path.Combine(bin, "initdb"), ["-D", cluster.dataFolder, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]).ConfigureAwait(false);
            string options = $"-c listen_addresses=127.0.0.1 -p {cluster.Port} -k {folder} -c max_connections=300" +
                (durable ? string.Empty : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off") +
                string.Concat(settings.Select(s => " -c " + s));
            cluster.serverOptions = options;
            await cluster.StartServerAsync().ConfigureAwait(false);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
            return cluster;
        }
        catch (Exception e)
        {
            string log = cluster.LogFile;
            string detail = File.Exists(log) ? $"\nServer log:\n{await File.ReadAllTextAsync(log).ConfigureAwait(false)}" : string.Empty;
            cluster.Stop();
            throw new InvalidOperationException($"PostgreSQL server binaries exist in {bin} but the test cluster did not start: {e.Message}{detail}", e);
        }
    }

    /// <summary>The server's log (its warnings and errors).</summary>
    public string LogFile => Path.Combine(this.folder, "server.log");

    /// <summary>A connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = this.Port, Username = "postgres", Database = database }.ConnectionString;

    /// <summary>Stops the server (a clean, fast shutdown: clients are disconnected), as an outage; <see cref="StartServerAsync"/> ends it.</summary>
    public Task StopServerAsync() =>
        RunAsync(Path.Combine(BinDirectory ?? throw new InvalidOperationException(SkipReason), "pg_ctl"), ["-D", this.dataFolder, "-m", "fast", "-w", "stop"]);

    /// <summary>Starts the server (again) on the same port, data and settings.</summary>
    public Task StartServerAsync() =>
        RunAsync(Path.Combine(BinDirectory ?? throw new InvalidOperationException(SkipReason), "pg_ctl"), ["-D", this.dataFolder, "-l", this.LogFile, "-w", "-t", "60", "-o", this.serverOptions, "start"]);

    /// <summary>Creates a fresh database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using NpgsqlConnection connection = new(this.AdminConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using NpgsqlCommand create = new($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync().ConfigureAwait(false);
        return this.ConnectionString(name);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        this.Stop();
        return ValueTask.CompletedTask;
    }

    private static string? FindBinDirectory()
    {
        // POSTGRES_BIN_DIR points at another layout (e.g. /usr/local/pgsql/bin); without it, Debian's.
        if (Environment.GetEnvironmentVariable("POSTGRES_BIN_DIR") is { Length: > 0 } given)
        {
            return HasServerTools(given) ? given : null;
        }

        const string Root = "/usr/lib/postgresql";
        if (!Directory.Exists(Root))
        {
            return null;
        }

        // The newest major version that has all three tools.
        return Directory.GetDirectories(Root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(HasServerTools)
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out int major) ? major : 0)
            .FirstOrDefault();
    }

    private static bool HasServerTools(string bin) => new[] { "initdb", "pg_ctl", "postgres" }.All(tool => File.Exists(Path.Combine(bin, tool)));

    private static int FreeLoopbackPort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string tool, IReadOnlyList<string> arguments, bool asServiceUser = true)
    {
        ProcessStartInfo start = new() { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asServiceUser && Environment.IsPrivilegedProcess)
        {
            start.FileName = "runuser";
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(ServiceUser);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(tool);
        }
        else
        {
            start.FileName = tool;
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(tool)} exited with {process.ExitCode}: {(await error.ConfigureAwait(false)).Trim()} {(await output.ConfigureAwait(false)).Trim()}");
        }
    }

    private void Stop()
    {
        if (Interlocked.Exchange(ref this.stopped, 1) != 0)
        {
            return;
        }

        try
        {
            if (BinDirectory is not null && File.Exists(Path.Combine(this.dataFolder, "postmaster.pid")))
            {
                // Immediate: nothing here needs a clean shutdown, and the folder is deleted next.
                RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", this.dataFolder, "-m", "immediate", "-w", "stop"]).GetAwaiter().GetResult();
            }
        }
        catch (InvalidOperationException)
        {
            // Already stopped; the folder is removed all the same.
        }
        finally
        {
            try
            {
                Directory.Delete(this.folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
