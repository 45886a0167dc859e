using System.Globalization;
using Durable.Testing.Twilio;

namespace PhoneVerification.LoadTest;

/// <summary>
/// What a run drives: the hosts the tool started (one on SQLite, or <c>--hosts N</c> on one PostgreSQL), or the host
/// <c>--base-url</c> names; and the PostgreSQL server when the store is PostgreSQL. Disposing stops what the tool started.
/// </summary>
internal sealed class LoadTarget : IAsyncDisposable
{
    private readonly List<LoadHost> started = [];

    private LoadTarget(PostgresTarget? postgres)
    {
        this.Postgres = postgres;
    }

    /// <summary>The hosts the tool started (empty with <c>--base-url</c>).</summary>
    public IReadOnlyList<LoadHost> Started => this.started;

    /// <summary>Every host's base URL, in the order flows are spread over them.</summary>
    public IReadOnlyList<Uri> BaseUrls { get; private set; } = [];

    /// <summary>Every host's process id (null when unknown: a host given by URL without <c>--host-pid</c>).</summary>
    public IReadOnlyList<int?> Pids { get; private set; } = [];

    /// <summary>The SQLite file, when known.</summary>
    public string? DatabasePath { get; private set; }

    /// <summary>The PostgreSQL server, when the store is PostgreSQL.</summary>
    public PostgresTarget? Postgres { get; }

    /// <summary>The first started host's time from spawn to its first HTTP answer; null when driving a running host.</summary>
    public TimeSpan? FirstServing { get; private set; }

    /// <summary>The first started host's CPU time when it first answered (start-up cost, which load disturbs less than wall time).</summary>
    public TimeSpan? FirstServingCpu { get; private set; }

    public static async Task<LoadTarget> StartAsync(LoadTestOptions o, FakeTwilioServer sink, HttpClient client, TextWriter output)
    {
        PostgresTarget? postgres = o.Store == StoreKind.Postgres ? await PostgresTarget.OpenAsync(o, output).ConfigureAwait(false) : null;
        LoadTarget target = new(postgres);
        try
        {
            if (!o.StartHost)
            {
                target.BaseUrls = [o.BaseUrl!];
                target.Pids = [o.HostPid];
                target.DatabasePath = o.DatabasePath;
                output.WriteLine($"driving {o.BaseUrl}; Twilio sink {sink.BaseUrl} (the host's TwilioApiBaseUrl must point here)");
                return target;
            }

            Dictionary<string, string> settings = new(postgres?.HostSettings ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            foreach ((string key, string value) in o.HostSettings)
            {
                settings[key] = value;
            }

            for (int i = 0; i < o.Hosts; i++)
            {
                // Several hosts get a log each (FILE, FILE.1, FILE.2, ...): one file written by several would mix lines.
                string? log = o.HostLog is null || i == 0 ? o.HostLog : o.HostLog + "." + i.ToString(CultureInfo.InvariantCulture);
                target.started.Add(LoadHost.Create(sink.BaseUrl, o.EffectiveWindowSeconds, o.DatabasePath, settings, log, o.HostDirectory));
            }

            // Together: the first to reach the database creates the schema, the others wait on its advisory lock.
            TimeSpan[] ready = await Task.WhenAll(target.started.Select(h => h.StartAsync(client))).ConfigureAwait(false);
            target.FirstServing = ready[0];
            target.FirstServingCpu = HostMetrics.CpuTime(target.started[0].Pid);
            for (int i = 0; i < target.started.Count; i++)
            {
                LoadHost host = target.started[i];
                string store = postgres is null ? $"SQLite {host.DatabasePath}" : "PostgreSQL";
                output.WriteLine($"host pid {host.Pid!.Value} serving {host.BaseUrl} after {ready[i].TotalMilliseconds:0} ms; {store}; Twilio sink {sink.BaseUrl}");
            }

            target.BaseUrls = [.. target.started.Select(h => h.BaseUrl)];
            target.Pids = [.. target.started.Select(h => h.Pid)];
            target.DatabasePath = postgres is null ? target.started[0].DatabasePath : null;
            return target;
        }
        catch
        {
            await target.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Hosts first: they hold connections to the server.
        foreach (LoadHost host in this.started)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }

        if (this.Postgres is not null)
        {
            await this.Postgres.DisposeAsync().ConfigureAwait(false);
        }
    }
}
