using Microsoft.Extensions.Logging;

namespace Durable.Core.Dispatch;

/// <summary>
/// The lease loop shared by orchestrations and activities: while a concurrency slot is free, lease a work
/// item and process it in the background; when there is none, sleep until the store's next due time, an
/// in-process notification, or the polling interval (the fallback for work written by other processes).
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
    private readonly TimeSpan maxPollingInterval;
    private readonly ILogger logger;
    private readonly HashSet<Task> inFlight = [];

    public WorkDispatcher(
        string name,
        int maxConcurrency,
        Func<CancellationToken, Task<TItem?>> leaseAsync,
        Func<TItem, CancellationToken, Task> processAsync,
        Func<CancellationToken, Task<DateTimeOffset?>> nextWakeUpAsync,
        WorkSignal signal,
        TimeProvider time,
        TimeSpan maxPollingInterval,
        ILogger logger)
    {
        this.name = name;
        this.maxConcurrency = maxConcurrency;
        this.leaseAsync = leaseAsync;
        this.processAsync = processAsync;
        this.nextWakeUpAsync = nextWakeUpAsync;
        this.signal = signal;
        this.time = time;
        this.maxPollingInterval = maxPollingInterval;
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

            if (item is null)
            {
                slots.Release();
                await this.WaitForWorkAsync(stopLeasing).ConfigureAwait(false);
                continue;
            }

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

    private async Task WaitForWorkAsync(CancellationToken cancellationToken)
    {
        Task notified = this.signal.WaitAsync();
        TimeSpan wait = this.maxPollingInterval;
        try
        {
            DateTimeOffset? due = await this.nextWakeUpAsync(cancellationToken).ConfigureAwait(false);
            if (due is { } dueTime)
            {
                TimeSpan untilDue = dueTime - this.time.GetUtcNow();
                wait = untilDue < TimeSpan.Zero ? TimeSpan.Zero : (untilDue < wait ? untilDue : wait);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown began while the store was being asked; the lease loop sees the token and ends.
            return;
        }
        catch (Exception ex)
        {
            Logs.LeaseFailed(this.logger, this.name, wait.TotalMilliseconds, ex);
        }

        if (wait == TimeSpan.Zero || notified.IsCompleted)
        {
            return;
        }

        using CancellationTokenSource delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task delay = Task.Delay(wait, this.time, delayCancellation.Token);
        await Task.WhenAny(notified, delay).ConfigureAwait(false);
        delayCancellation.Cancel();
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
}
