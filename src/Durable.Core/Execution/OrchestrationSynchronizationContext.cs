namespace Durable.Core.Execution;

/// <summary>
/// The orchestrator's single logical thread. Every continuation of orchestrator code is posted here and
/// run by <see cref="Drain"/> on the replaying thread, so the code reaches the same points in the same
/// order on every replay. A post that arrives while no episode runs means the code awaited something
/// that is not a durable task (I/O, Task.Delay, Task.Run): the episode reports it instead of hanging.
/// </summary>
internal sealed class OrchestrationSynchronizationContext : SynchronizationContext
{
    [ThreadStatic]
    private static OrchestrationSynchronizationContext? running;

    private readonly Queue<(SendOrPostCallback Callback, object? State)> queue = new();
    private readonly object gate = new();

    /// <summary>True on the thread that is currently running this orchestrator's code.</summary>
    public bool IsOnOrchestratorThread => running == this;

    /// <summary>Continuations posted from outside an episode: proof the code escaped the durable scheduler.</summary>
    public int ForeignPosts { get; private set; }

    /// <inheritdoc/>
    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (this.gate)
        {
            if (running != this)
            {
                this.ForeignPosts++;
            }

            this.queue.Enqueue((d, state));
        }
    }

    /// <inheritdoc/>
    public override void Send(SendOrPostCallback d, object? state)
    {
        if (running != this)
        {
            throw new InvalidOperationException("Orchestrator code may only run on the orchestrator thread.");
        }

        d(state);
    }

    /// <inheritdoc/>
    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs <paramref name="action"/> as orchestrator code, then every continuation it caused.</summary>
    public void Run(Action action)
    {
        SynchronizationContext? previous = Current;
        OrchestrationSynchronizationContext? previousRunning = running;
        SetSynchronizationContext(this);
        running = this;
        try
        {
            action();
            this.Drain();
        }
        finally
        {
            running = previousRunning;
            SetSynchronizationContext(previous);
        }
    }

    private void Drain()
    {
        while (true)
        {
            (SendOrPostCallback Callback, object? State) item;
            lock (this.gate)
            {
                if (!this.queue.TryDequeue(out item))
                {
                    return;
                }
            }

            item.Callback(item.State);
        }
    }
}
