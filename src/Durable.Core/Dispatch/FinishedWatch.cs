namespace Durable.Core.Dispatch;

/// <summary>One caller's watch on an instance's finish (<see cref="EngineSignals.WhenFinished"/>); disposing it ends the watch.</summary>
internal sealed class FinishedWatch : IDisposable
{
    private readonly EngineSignals signals;
    private readonly string instanceId;
    private readonly Shared shared;
    private int disposed;

    internal FinishedWatch(EngineSignals signals, string instanceId, Shared shared)
    {
        this.signals = signals;
        this.instanceId = instanceId;
        this.shared = shared;
    }

    /// <summary>Completes when this host commits a terminal status for the instance.</summary>
    public Task Task => this.shared.Source.Task;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref this.disposed, 1) == 0)
        {
            this.signals.Leave(this.instanceId, this.shared);
        }
    }

    /// <summary>What every watcher of one instance shares: the completion and how many still watch (under the signals' lock).</summary>
    internal sealed class Shared
    {
        public TaskCompletionSource Source { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Watchers { get; set; }
    }
}
