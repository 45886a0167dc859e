namespace Durable.Core.Dispatch;

/// <summary>
/// An in-process wake-up: writers notify after committing work so an idle dispatcher leases it at once
/// instead of waiting for its next poll. Sticky: a notification that arrives while nobody waits is kept,
/// so work committed between "lease found nothing" and "start waiting" is never slept through. One waiter
/// (the dispatcher) at a time.
/// </summary>
internal sealed class WorkSignal
{
    private readonly object gate = new();
    private bool pending;
    private TaskCompletionSource? waiter;

    /// <summary>Wakes the current waiter, or the next one if nobody waits now.</summary>
    public void Notify()
    {
        TaskCompletionSource? woken;
        lock (this.gate)
        {
            woken = this.waiter;
            this.waiter = null;
            if (woken is null)
            {
                this.pending = true;
            }
        }

        woken?.TrySetResult();
    }

    /// <summary>
    /// Completes at the next notification (at once, consuming it, if one is pending). Call <see cref="StopWaiting"/>
    /// when the wait ends for another reason, so a later notification is kept for the next wait.
    /// </summary>
    public Task WaitAsync()
    {
        lock (this.gate)
        {
            if (this.pending)
            {
                this.pending = false;
                return Task.CompletedTask;
            }

            this.waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return this.waiter.Task;
        }
    }

    /// <summary>
    /// Ends the current wait. Without this, a notification arriving after the waiter gave up (its poll timer won)
    /// would complete a task nobody awaits and be lost, while the dispatcher is busy leasing.
    /// </summary>
    public void StopWaiting()
    {
        lock (this.gate)
        {
            this.waiter = null;
        }
    }
}
