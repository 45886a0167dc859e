using System.Globalization;

namespace PhoneVerification.LoadTest;

/// <summary>The flow each simulated user follows.</summary>
internal enum FlowMode
{
    /// <summary>Answers the right code at once.</summary>
    Right,

    /// <summary>Answers <see cref="LoadTestOptions.WrongAnswers"/> wrong codes, then the right one.</summary>
    Wrong,

    /// <summary>Never answers: the host's timer ends the flow with <c>false</c>.</summary>
    Timeout,

    /// <summary>Starts the flow, waits for the SMS, and leaves the instance waiting.</summary>
    Idle,
}

/// <summary>Command-line options of the tool (see <see cref="Usage"/>).</summary>
internal sealed class LoadTestOptions
{
    public const string Usage = """
        PhoneVerification.LoadTest [options]
          --mode right|wrong|timeout|idle   flow to run (default right)
          --flows N                  measured flows (default 1000)
          --warmup N                 flows run first and not measured (default 100; 0 in idle and timeout modes)
          --warmup-seconds S         go on warming up (rounds of the same flows) until S seconds have passed: the
                                     host's JIT settles 15-20 s into a run on 2 cores (default 0)
          --concurrency N            flows in flight at once (default 10)
          --k N                      wrong answers before the right one in wrong mode (default 2)
          --poll-ms N                status polling interval while waiting for completion (default 2)
          --base-url URL             drive a running host; its TwilioApiBaseUrl must point at --sink-port
          --key KEY                  function key sent as x-functions-key (a host that enforces keys)
          --sink-port N              port of the sink, the fake Twilio server, on 127.0.0.1 (default 0: a free port)
          --host-pid N               read the host's RSS from /proc/N/status
          --db PATH                  the host's SQLite file: its size (+WAL) per waiting instance is reported
          --start-host               start FunctionsHost as a child process (on a temp app folder unless --db)
          --tool-warmup-seconds S    with --start-host: warm the tool's own code (its HTTP client, the sink, JSON)
                                     for S seconds before spawning the host, so a cold run measures a cold host, not
                                     a cold tool on the same cores (default 3)
          --store sqlite|postgres    the started hosts' store (default sqlite). postgres without --pg-connection:
                                     the tool starts a throwaway PostgreSQL server (initdb on a free loopback port,
                                     fsync and synchronous_commit on) and deletes it afterwards
          --pg-connection CONN       use this PostgreSQL server instead (implies --store postgres); started hosts
                                     get a fresh task hub each run. With --base-url: the server your hosts use, for
                                     its CPU per flow. DB CPU is measured only when the server runs on this machine
          --pg-stat-statements       load pg_stat_statements (throwaway server; a given server must preload it) and
                                     print the top statements per flow to stderr after the run
          --hosts N                  started hosts on one PostgreSQL (default 1); each flow's start goes to the next
                                     host in turn, CPU and episodes are reported per host (their /metrics)
          --cross-host               send each flow's answer to the host after the one that started it and its status
                                     polls to the one after that (default: the URLs the 202 returned)
          --window N                 SmsChallengeTimeoutSeconds for a started host (default 90; 3600 in idle mode)
          --host-setting KEY=VALUE   extra environment variable for a started host (repeatable)
          --host-log FILE            where a started host's output goes (default: discarded)
          --host-dir DIR             start DIR/FunctionsHost.dll (a ReadyToRun publish output; default: the one beside the tool)
          --restart                  idle mode with --start-host: restart the host and time it until it serves
          --flood-events N           meanwhile send N events of --flood-bytes to one other waiting instance (default 0)
          --flood-bytes N            body size of each flood event, a JSON string (default 4096, the host's default
                                     DurableMaxEventPayloadBytes)
          --flood-interval-ms N      pace the flood one event every N ms (default 0: 4 senders, as fast as answered)
          --label TEXT               copied into the JSON line
        PhoneVerification.LoadTest seed --db PATH --count N
          clones the newest completed instance of the file N times (store-growth runs; host stopped)
        """;

    public FlowMode Mode { get; set; } = FlowMode.Right;

    public int Flows { get; set; } = 1000;

    public int? Warmup { get; set; }

    public TimeSpan WarmupTime { get; set; }

    public int Concurrency { get; set; } = 10;

    public int WrongAnswers { get; set; } = 2;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(2);

    public Uri? BaseUrl { get; set; }

    public int SinkPort { get; set; }

    public string? Key { get; set; }

    public int? HostPid { get; set; }

    public string? DatabasePath { get; set; }

    public bool StartHost { get; set; }

    public TimeSpan ToolWarmupTime { get; set; } = TimeSpan.FromSeconds(3);

    public int? WindowSeconds { get; set; }

    public Dictionary<string, string> HostSettings { get; } = new(StringComparer.Ordinal);

    public string? HostLog { get; set; }

    public string? HostDirectory { get; set; }

    public bool Restart { get; set; }

    public string? Label { get; set; }

    public int FloodEvents { get; set; }

    public StoreKind Store { get; set; } = StoreKind.Sqlite;

    public string? PgConnection { get; set; }

    public bool PgStatStatements { get; set; }

    public int Hosts { get; set; } = 1;

    public bool CrossHost { get; set; }

    public int FloodBytes { get; set; } = 4096;

    public TimeSpan FloodInterval { get; set; }

    public int EffectiveWarmup => this.Warmup ?? (this.Mode is FlowMode.Idle or FlowMode.Timeout ? 0 : 100);

    public int EffectiveWindowSeconds => this.WindowSeconds ?? (this.Mode == FlowMode.Idle ? 3600 : 90);

    public static LoadTestOptions Parse(IReadOnlyList<string> args)
    {
        LoadTestOptions o = new();
        StoreKind? store = null;
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int NextInt(int min) => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= min
                ? v
                : throw new ArgumentException($"{name} must be a whole number of at least {min}; got '{args[i]}'.");
            switch (name)
            {
                case "--mode":
                    o.Mode = Enum.TryParse(Next(), ignoreCase: true, out FlowMode mode) && Enum.IsDefined(mode)
                        ? mode
                        : throw new ArgumentException($"--mode must be right, wrong, timeout or idle; got '{args[i]}'.");
                    break;
                case "--flows": o.Flows = NextInt(1); break;
                case "--warmup": o.Warmup = NextInt(0); break;
                case "--warmup-seconds": o.WarmupTime = TimeSpan.FromSeconds(NextInt(0)); break;
                case "--concurrency": o.Concurrency = NextInt(1); break;
                case "--k": o.WrongAnswers = NextInt(0); break;
                case "--poll-ms": o.PollInterval = TimeSpan.FromMilliseconds(NextInt(1)); break;
                case "--base-url":
                    o.BaseUrl = Uri.TryCreate(Next(), UriKind.Absolute, out Uri? url) ? url : throw new ArgumentException($"--base-url must be an absolute URL; got '{args[i]}'.");
                    break;
                case "--sink-port": o.SinkPort = NextInt(0); break;
                case "--key": o.Key = Next(); break;
                case "--host-pid": o.HostPid = NextInt(1); break;
                case "--db": o.DatabasePath = Path.GetFullPath(Next()); break;
                case "--start-host": o.StartHost = true; break;
                case "--tool-warmup-seconds": o.ToolWarmupTime = TimeSpan.FromSeconds(NextInt(0)); break;
                case "--window": o.WindowSeconds = NextInt(1); break;
                case "--host-setting":
                    string setting = Next();
                    int eq = setting.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        throw new ArgumentException($"--host-setting must be KEY=VALUE; got '{setting}'.");
                    }

                    o.HostSettings[setting[..eq]] = setting[(eq + 1)..];
                    break;
                case "--host-log": o.HostLog = Path.GetFullPath(Next()); break;
                case "--host-dir": o.HostDirectory = Path.GetFullPath(Next()); break;
                case "--restart": o.Restart = true; break;
                case "--label": o.Label = Next(); break;
                case "--flood-events": o.FloodEvents = NextInt(0); break;
                case "--flood-bytes": o.FloodBytes = NextInt(2); break;
                case "--flood-interval-ms": o.FloodInterval = TimeSpan.FromMilliseconds(NextInt(0)); break;
                case "--store":
                    store = Enum.TryParse(Next(), ignoreCase: true, out StoreKind kind) && Enum.IsDefined(kind)
                        ? kind
                        : throw new ArgumentException($"--store must be sqlite or postgres; got '{args[i]}'.");
                    break;
                case "--pg-connection": o.PgConnection = Next(); break;
                case "--pg-stat-statements": o.PgStatStatements = true; break;
                case "--hosts": o.Hosts = NextInt(1); break;
                case "--cross-host": o.CrossHost = true; break;
                default: throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        if (o.StartHost == (o.BaseUrl is not null))
        {
            throw new ArgumentException("Give exactly one of --base-url URL (a running host) and --start-host.");
        }

        o.ValidateStore(store);
        if (o.Restart && (!o.StartHost || o.Mode != FlowMode.Idle))
        {
            throw new ArgumentException("--restart needs --start-host and --mode idle.");
        }

        if (o.Mode == FlowMode.Wrong && o.WrongAnswers > 3)
        {
            throw new ArgumentException("--k must be at most 3: the sample accepts 4 answers, the last one must be right.");
        }

        return o;
    }

    /// <summary>The PostgreSQL options against each other and the rest; sets <see cref="Store"/>.</summary>
    private void ValidateStore(StoreKind? given)
    {
        if (given == StoreKind.Sqlite && this.PgConnection is not null)
        {
            throw new ArgumentException("--pg-connection needs --store postgres (or no --store).");
        }

        this.Store = given ?? (this.PgConnection is null ? StoreKind.Sqlite : StoreKind.Postgres);
        if (this.Store == StoreKind.Postgres && this.DatabasePath is not null)
        {
            throw new ArgumentException("--db names a SQLite file; it does not go with --store postgres.");
        }

        if (this.Store == StoreKind.Postgres && !this.StartHost && this.PgConnection is null)
        {
            throw new ArgumentException("--store postgres with --base-url needs --pg-connection (the server your hosts use).");
        }

        if (this.PgStatStatements && this.Store != StoreKind.Postgres)
        {
            throw new ArgumentException("--pg-stat-statements needs --store postgres.");
        }

        if (this.Hosts > 1 && (!this.StartHost || this.Store != StoreKind.Postgres))
        {
            throw new ArgumentException("--hosts above 1 needs --start-host and --store postgres: hosts share work only through PostgreSQL.");
        }

        if (this.Hosts > 1 && (this.Restart || this.FloodEvents > 0))
        {
            throw new ArgumentException("--restart and --flood-events run against one host; leave out --hosts.");
        }
    }
}
