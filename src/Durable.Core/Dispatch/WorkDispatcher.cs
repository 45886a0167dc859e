using Microsoft.Extensions.Logging;

namespace Durable.Core.Dispatch;

/// <summary>
/// The lease loop shared by orchestrations and activities: while a concurrency slot is free, lease a work
/// item and process it in the background; when there is none, sleep until the store's next due time, a
/// notification (in-process, or from the store for work other processes wrote), or the fallback poll, whose
/// interval backs off while polls find nothing (<see cref="PollingBackoff"/>).
/// </summary>
internal sealed class WorkDispatcher<TItem>
    where TItem : class
{
    private readonly string name;
    private readonly int maxConcurrency;
    private readonly Func<CancellationToken, Task<TItem?>> leaseAsync;
    private readonly Func<TItem, CancellationToken, Task> processAsync;
    private readonly Func<CancellationToken, Task<DateTimeOffset?>> nextWakeUpAsync;
    private readonly WorkSignal signal;
    private readonly TimeProvider time;
    private readonly PollingBackoff polling;
    private readonly ILogger logger;
    private readonly HashSet<Task> inFlight = [];

    // The earliest due time the store reported that no lease has looked at since it came due. Kept because the store
    // reports only future times: a timer firing a moment early (timers round to whole milliseconds) leases before the
    // row is visible, and by the time the store is asked again the row is in the past and no longer reported, so
    // without this the dispatcher would sleep a whole poll interval past a due timer.
    private DateTimeOffset? pendingDue;

    public WorkDispatcher(
        string name,
        int maxConcurrency,
        Func<CancellationToken, Task<TItem?>> leaseAsync,
        Func<TItem, CancellationToken, Task> processAsync,
        Func<CancellationToken, Task<DateTimeOffset?>> nextWakeUpAsync,
        WorkSignal signal,
        TimeProvider time,
        PollingBackoff polling,
        ILogger logger)
    {
        this.name = name;
        this.maxConcurrency = maxConcurrency;
        this.leaseAsync = leaseAsync;
        this.processAsync = processAsync;
        this.nextWakeUpAsync = nextWakeUpAsync;
        this.signal = signal;
        this.time = time;
        this.polling = polling;
        this.logger = logger;
    }

    /// <summary>Runs until <paramref name="stopLeasing"/> is cancelled; then waits for work in flight.</summary>
    /// <param name="stopLeasing">Stops taking new work.</param>
    /// <param name="abortWork">Cancels work in flight (it is released for another attempt).</param>
    public async Task RunAsync(CancellationToken stopLeasing, CancellationToken abortWork)
    {
        using SemaphoreSlim slots = new(this.maxConcurrency, this.maxConcurrency);
        TimeSpan errorBackoff = TimeSpan.Zero;
        while (!stopLeasing.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stopLeasing).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            TItem? item;
            DateTimeOffset leaseStarted = this.time.GetUtcNow();
            try
            {
                item = await this.leaseAsync(stopLeasing).ConfigureAwait(false);
                errorBackoff = TimeSpan.Zero;
            }
            catch (Exception ex) when (!stopLeasing.IsCancellationRequested)
            {
                slots.Release();
                errorBackoff = errorBackoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromTicks(Math.Min(errorBackoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                Logs.LeaseFailed(this.logger, this.name, errorBackoff.TotalMilliseconds, ex);
                await this.DelayAsync(errorBackoff, stopLeasing).ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException)
            {
                slots.Release();
                break;
            }

            if (this.pendingDue <= leaseStarted)
            {
                // This lease looked at (or after) that due time, so whatever came due then it has seen.
                this.pendingDue = null;
            }

            if (item is null)
            {
                slots.Release();
                Wake wake = await this.WaitForWorkAsync(stopLeasing).ConfigureAwait(false);
                if (wake == Wake.Notified)
                {
                    this.polling.Reset();
                }
                else if (wake == Wake.PollElapsed)
                {
                    this.polling.Grow();
                }

                continue;
            }

            this.polling.Reset();
            this.Track(this.RunItemAsync(item, slots, abortWork));
        }

        Task[] remaining;
        lock (this.inFlight)
        {
            remaining = [.. this.inFlight];
        }

        await Task.WhenAll(remaining).ConfigureAwait(false);
    }

    private void Track(Task task)
    {
        lock (this.inFlight)
        {
            if (!task.IsCompleted)
            {
                this.inFlight.Add(task);
            }
        }

        task.ContinueWith(
            t =>
            {
                lock (this.inFlight)
                {
                    this.inFlight.Remove(t);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task RunItemAsync(TItem item, SemaphoreSlim slots, CancellationToken abortWork)
    {
        try
        {
            // Yield so the lease loop goes on leasing while this item runs.
            await Task.Yield();
            await this.processAsync(item, abortWork).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Logs.WorkItemCrashed(this.logger, this.name, ex);
        }
        finally
        {
            slots.Release();

            // Look again after every item: work that arrived while it was leased (an event for an instance
            // mid-episode) could not be leased then, and new timers or retries change the next wake-up.
            this.signal.Notify();
        }
    }

    /// <summary>
    /// Sleeps until the earliest of: a notification, the next due time (exact), or the fallback poll. Says which
    /// one ended the sleep, so the loop can grow or reset the poll interval.
    /// </summary>
    private async Task<Wake> WaitForWorkAsync(CancellationToken cancellationToken)
    {
        Task notified = this.signal.WaitAsync();
        try
        {
            try
            {
                DateTimeOffset? due = await this.nextWakeUpAsync(cancellationToken).ConfigureAwait(false);
                if (due is { } dueTime && (this.pendingDue is null || dueTime < this.pendingDue))
                {
                    this.pendingDue = dueTime;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutdown began while the store was being asked; the lease loop sees the token and ends.
                return Wake.Stopped;
            }
            catch (Exception ex)
            {
                Logs.LeaseFailed(this.logger, this.name, this.polling.Current.TotalMilliseconds, ex);
            }

            TimeSpan wait = this.polling.Current;
            bool forDue = false;
            if (this.pendingDue is { } pending)
            {
                TimeSpan untilDue = pending - this.time.GetUtcNow();
                if (untilDue <= wait)
                {
                    wait = untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue;
                    forDue = true;
                }
            }

            if (notified.IsCompleted)
            {
                return Wake.Notified;
            }

            if (wait == TimeSpan.Zero)
            {
                return Wake.Due;
            }

            using CancellationTokenSource delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task delay = Task.Delay(wait, this.time, delayCancellation.Token);
            Task first = await Task.WhenAny(notified, delay).ConfigureAwait(false);
            delayCancellation.Cancel();
            return first == notified ? Wake.Notified : forDue ? Wake.Due : Wake.PollElapsed;
        }
        finally
        {
            // A notification after this point is kept for the next wait instead of completing this one's dead task.
            this.signal.StopWaiting();
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, this.time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>What ended an idle wait.</summary>
    private enum Wake
    {
        /// <summary>A notification: work was (probably) written.</summary>
        Notified,

        /// <summary>A due time the store reported (a timer, retry or lease expiry) was reached.</summary>
        Due,

        /// <summary>The fallback poll interval passed with nothing else happening.</summary>
        PollElapsed,

        /// <summary>Shutdown began.</summary>
        Stopped,
    }
}
