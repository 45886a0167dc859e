using Durable.Testing.Processes;

namespace PhoneVerification.FaultInjection.Scenario;

/// <summary>
/// Owns the host process across kills and restarts, and records when each one died and when the next was ready, so the
/// checks can tell which timers came due while it was down. Flows wait on <see cref="WaitUpAsync"/> while it is down.
/// </summary>
internal sealed class HostSupervisor : IDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private readonly string appFolder;
    private readonly IReadOnlyDictionary<string, string?> environment;
    private readonly HttpClient probe;
    private readonly object gate = new();
    private TaskCompletionSource up = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HostProcess? current;
    private DateTimeOffset? killedAt;

    public HostSupervisor(string appFolder, int port, IReadOnlyDictionary<string, string?> environment, HttpClient probe)
    {
        this.appFolder = appFolder;
        this.Port = port;
        this.environment = environment;
        this.probe = probe;
    }

    public int Port { get; }

    /// <summary>Each downtime: from the kill to the moment the next host answered HTTP.</summary>
    public List<(DateTimeOffset KilledAt, DateTimeOffset ReadyAt)> Downtimes { get; } = [];

    /// <summary>When each SIGKILLed process was gone.</summary>
    public List<DateTimeOffset> Kills { get; } = [];

    public HostProcess Current => this.current ?? throw new InvalidOperationException("No host is running.");

    /// <summary>Everything every host process wrote (tails), for failure messages.</summary>
    public List<string> PastOutputs { get; } = [];

    /// <summary>Completes when a host is up (at once if one is).</summary>
    public Task WaitUpAsync()
    {
        lock (this.gate)
        {
            return this.up.Task;
        }
    }

    /// <summary>Starts a host and waits until it answers; records the downtime that ends here.</summary>
    public async Task StartAsync()
    {
        this.current = this.Spawn();
        await this.current.WaitUntilServingAsync(this.probe, StartLimit);
        DateTimeOffset ready = DateTimeOffset.UtcNow;
        lock (this.gate)
        {
            if (this.killedAt is { } killed)
            {
                this.Downtimes.Add((killed, ready));
                this.killedAt = null;
            }

            this.up.TrySetResult();
        }
    }

    /// <summary>Starts a host without waiting for it (to kill it while it starts).</summary>
    public void StartInBackground() => this.current = this.Spawn();

    /// <summary>SIGKILL: flows see connection errors until the next start.</summary>
    public async Task KillAsync()
    {
        lock (this.gate)
        {
            if (this.up.Task.IsCompleted)
            {
                this.up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        DateTimeOffset signalled = DateTimeOffset.UtcNow;
        await this.Current.KillAsync();

        // Kills are recorded when the process is gone (a request may still reach Twilio while it dies); downtime
        // starts at the signal (no work is done after it).
        DateTimeOffset dead = DateTimeOffset.UtcNow;
        lock (this.gate)
        {
            this.Kills.Add(dead);
            this.killedAt ??= signalled;
        }

        this.Retire();
    }

    /// <summary>SIGTERM; true when the host exited within <paramref name="limit"/> with exit code 0.</summary>
    public async Task<(bool Exited, int ExitCode, TimeSpan Took)> TerminateAsync(TimeSpan limit)
    {
        lock (this.gate)
        {
            this.up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        DateTimeOffset began = DateTimeOffset.UtcNow;
        bool exited = await this.Current.TerminateAsync(limit);
        TimeSpan took = DateTimeOffset.UtcNow - began;
        int exitCode = exited ? this.Current.ExitCode : -1;
        this.Retire();
        return (exited, exitCode, took);
    }

    public void Dispose() => this.Retire();

    private HostProcess Spawn() => HostProcess.Start(new HostProcessOptions { AppFolder = this.appFolder, Port = this.Port, Environment = this.environment });

    private void Retire()
    {
        if (this.current is { } host)
        {
            this.PastOutputs.Add(host.Output);
            host.Dispose();
            this.current = null;
        }
    }
}
