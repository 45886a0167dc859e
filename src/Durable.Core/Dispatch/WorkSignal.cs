namespace Durable.Core.Dispatch;

/// <summary>
/// An in-process wake-up: writers notify after committing work so an idle dispatcher leases it at once
/// instead of waiting for its next poll. Sticky: a notification that arrives while nobody waits is kept,
/// so work committed between "lease found nothing" and "start waiting" is never slept through. One waiter
/// (the dispatcher) at a time.
/// </summary>
/// <remarks>
/// It also tells the dispatcher whether to look again after a work item: work for an instance that arrives while the
/// instance is leased cannot be leased then, so the lease loop skips it, and unless someone looks again once the item
/// is done it waits for the next poll. A notification may name the instance its work is for; the dispatcher watches the
/// instances it is running (<see cref="Watch"/>) and looks again after one only if a notification since its lease named
/// it or named none (<see cref="Unwatch"/>). Notifications are numbered, and the latest named ones are kept, so a watch
/// that starts after its lease round also sees what was announced while that lease was on its way.
/// </remarks>
internal sealed class WorkSignal
{
    // Enough for every named notification during one lease call on a busy host; an older start counts as named.
    private const int RecentCapacity = 256;

    private readonly object gate = new();
    private readonly (long Number, string InstanceId)[] recent = new (long, string)[RecentCapacity];
    private readonly Dictionary<string, Watched> watched = new(StringComparer.Ordinal);
    private long notifications;
    private long lastUnnamed;
    private bool pending;
    private TaskCompletionSource? waiter;

    /// <summary>How many notifications there have been: <see cref="Watch"/> counts from a number read before a lease.</summary>
    public long Notifications
    {
        get
        {
            lock (this.gate)
            {
                return this.notifications;
            }
        }
    }

    /// <summary>Wakes the current waiter, or the next one if nobody waits now; for work of any instance.</summary>
    public void Notify() => this.Notify(null);

    /// <summary>Wakes the current waiter, or the next one if nobody waits now; for work of <paramref name="instanceId"/> (null: any).</summary>
    public void Notify(string? instanceId)
    {
        TaskCompletionSource? woken;
        lock (this.gate)
        {
            long number = ++this.notifications;
            if (instanceId is null)
            {
                this.lastUnnamed = number;
            }
            else
            {
                this.recent[number % RecentCapacity] = (number, instanceId);
                if (this.watched.TryGetValue(instanceId, out Watched? watch))
                {
                    // Work for an instance running here: a lease now would skip it (and most often find nothing else),
                    // so nobody is woken; the end of its work item looks again (Unwatch).
                    watch.Named = true;
                    return;
                }
            }

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

    /// <summary>
    /// Starts watching an instance whose work item a lease round begun at notification <paramref name="since"/>
    /// (<see cref="Notifications"/> read before the round) brought.
    /// </summary>
    public void Watch(string instanceId, long since)
    {
        lock (this.gate)
        {
            bool named = since < this.notifications - RecentCapacity;
            for (long n = Math.Max(since + 1, this.notifications - RecentCapacity + 1); n <= this.notifications && !named; n++)
            {
                (long number, string id) = this.recent[n % RecentCapacity];
                named = number == n && string.Equals(id, instanceId, StringComparison.Ordinal);
            }

            this.watched[instanceId] = new Watched(since) { Named = named };
        }
    }

    /// <summary>
    /// Marks a watched instance as about to get work (an event being written for it right now) without waking anyone or
    /// asking for a look after it: the write itself says what became of it. Only <see cref="WorkExpected"/> tells.
    /// </summary>
    public void Expect(string instanceId)
    {
        lock (this.gate)
        {
            if (this.watched.TryGetValue(instanceId, out Watched? watch))
            {
                watch.Expected = true;
            }
        }
    }

    /// <summary>Whether, since the watch's start, a notification named the instance or work for it was expected (false when it is not watched).</summary>
    public bool WorkExpected(string instanceId)
    {
        lock (this.gate)
        {
            return this.watched.TryGetValue(instanceId, out Watched? watch) && (watch.Named || watch.Expected);
        }
    }

    /// <summary>Stops watching; true when a notification since the watch's start named the instance or named none.</summary>
    public bool Unwatch(string instanceId)
    {
        lock (this.gate)
        {
            return this.watched.Remove(instanceId, out Watched? watch) && (watch.Named || this.lastUnnamed > watch.Since);
        }
    }

    private sealed class Watched(long since)
    {
        public long Since { get; } = since;

        public bool Named { get; set; }

        public bool Expected { get; set; }
    }
}
