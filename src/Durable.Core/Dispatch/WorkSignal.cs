namespace Durable.Core.Dispatch;

/// <summary>
/// An in-process wake-up: writers notify after committing work so an idle dispatcher leases it at once
/// instead of waiting for its next poll. Sticky: a notification that arrives while nobody waits is kept,
/// so work committed between "lease found nothing" and "start waiting" is never slept through.
/// </summary>
internal sealed class WorkSignal
{
    private readonly object gate = new();
    private TaskCompletionSource signaled = NewSource();

    /// <summary>Wakes the current or next waiter.</summary>
    public void Notify()
    {
        lock (this.gate)
        {
            this.signaled.TrySetResult();
        }
    }

    /// <summary>Completes when notified (immediately if a notification is pending) and consumes it.</summary>
    public Task WaitAsync()
    {
        lock (this.gate)
        {
            if (this.signaled.Task.IsCompleted)
            {
                this.signaled = NewSource();
                return Task.CompletedTask;
            }

            return this.signaled.Task.ContinueWith(_ => this.Reset(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Reset()
    {
        lock (this.gate)
        {
            if (this.signaled.Task.IsCompleted)
            {
                this.signaled = NewSource();
            }
        }
    }
}
