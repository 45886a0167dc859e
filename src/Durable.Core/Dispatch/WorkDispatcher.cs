using Durable.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Durable.Core.Dispatch;

/// <summary>
/// The lease loop shared by orchestrations and activities: while a concurrency slot is free, lease a work
/// item and process it in the background (several leases at once while every lease finds work); when there is
/// none, or the store saw none beside what it leased, sleep until the store's next due time, a notification
/// (in-process, or from the store for work other processes wrote), or the fallback poll, whose interval backs off
/// while polls find nothing (<see cref="PollingBackoff"/>).
/// </summary>
/// <remarks>
/// Every lease call names the work this dispatcher is still running (by <c>runningKey</c>), and the store skips it: an
/// item whose lease lapsed while it ran (its commit kept through a store outage longer than the lease) must not be
/// leased again beside itself. It ends on its own (its lapsed lease makes its commit a dropped one) and is leased anew.
/// </remarks>
internal sealed class WorkDispatcher<TItem>
    where TItem : class
{
    // Most leases asked for at once in a burst (each needs a free concurrency slot).
    private const int MaxLeasesAtOnce = 16;

    private readonly string name;
    // One per item in flight. The activity dispatcher's are shared with episodes that run their activities themselves
    // (InlineActivities), so the host's activity concurrency counts both.
    private readonly SemaphoreSlim slots;
    private readonly Func<IReadOnlySet<string>, CancellationToken, Task<TItem?>> leaseAsync;
    private readonly Func<TItem, string?> runningKey;
    private readonly Func<TItem, CancellationToken, Task<TItem?>> processAsync;
    private readonly Func<CancellationToken, Task<DateTimeOffset?>> nextWakeUpAsync;
    private readonly WorkSignal signal;
    private readonly TimeProvider time;
    private readonly PollingBackoff polling;
    private readonly ILogger logger;
    private readonly bool lookAgainAfterEachItem;
    private readonly Func<TItem, bool> moreWorkVisible;
    private readonly HashSet<Task> inFlight = [];

    // Keys of the items being processed (guarded by itself): what the next lease calls skip.
    private readonly HashSet<string> running = new(StringComparer.Ordinal);

    // Items leased outside the lease loop while an item of the same key was still being processed (an event's write that
    // leased the instance its episode had just released): each runs after that item, on its slot. Guarded by running.
    private readonly Dictionary<string, (TItem Item, long NotificationsBefore)> queuedBehind = new(StringComparer.Ordinal);

    // Who waits for a key to stop running here (WhenStoppedAsync). Guarded by running.
    private readonly Dictionary<string, TaskCompletionSource> stopWaiters = new(StringComparer.Ordinal);

    // Items leased outside the lease loop (an instance created leased to this host) whose slot is taken and which are not
    // yet tracked, and whether the loop still runs: its end waits for those too (see TryReserve).
    private int reserved;
    private int open;
    private CancellationToken abortWork;

    // The earliest due time the store reported that no lease has looked at since it came due. Kept because the store
    // reports only future times: a timer firing a moment early (timers round to whole milliseconds) leases before the
    // row is visible, and by the time the store is asked again the row is in the past and no longer reported, so
    // without this the dispatcher would sleep a whole poll interval past a due timer.
    private DateTimeOffset? pendingDue;

    public WorkDispatcher(
        string name,
        SemaphoreSlim slots,
        Func<IReadOnlySet<string>, CancellationToken, Task<TItem?>> leaseAsync,
        Func<TItem, string?> runningKey,
        Func<TItem, CancellationToken, Task<TItem?>> processAsync,
        Func<CancellationToken, Task<DateTimeOffset?>> nextWakeUpAsync,
        WorkSignal signal,
        TimeProvider time,
        PollingBackoff polling,
        ILogger logger,
        bool lookAgainAfterEachItem = true,
        Func<TItem, bool>? moreWorkVisible = null)
    {
        this.name = name;
        this.slots = slots;
        this.leaseAsync = leaseAsync;
        this.runningKey = runningKey;
        this.processAsync = processAsync;
        this.nextWakeUpAsync = nextWakeUpAsync;
        this.signal = signal;
        this.time = time;
        this.polling = polling;
        this.logger = logger;
        this.lookAgainAfterEachItem = lookAgainAfterEachItem;
        this.moreWorkVisible = moreWorkVisible ?? (_ => true);
    }

    /// <summary>Runs until <paramref name="stopLeasing"/> is cancelled; then waits for work in flight.</summary>
    /// <param name="stopLeasing">Stops taking new work.</param>
    /// <param name="abortWork">Cancels work in flight (it is released for another attempt).</param>
    public async Task RunAsync(CancellationToken stopLeasing, CancellationToken abortWork)
    {
        TimeSpan errorBackoff = TimeSpan.Zero;
        int fullRounds = 0;
        while (!stopLeasing.IsCancellationRequested)
        {
            try
            {
                await this.slots.WaitAsync(stopLeasing).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            // While leases keep finding work, ask for several at once (one free slot each): a store call's round trip,
            // not the store, is what bounds a serial loop in a burst (a thousand timers due together), and a store
            // with one writer commits leases asked together in one transaction. One at a time again once one is empty.
            int width = WidthAfter(fullRounds);
            int round = 1;
            while (round < width && this.slots.Wait(0))
            {
                round++;
            }

            DateTimeOffset leaseStarted = this.time.GetUtcNow();
            long notificationsBefore = this.signal.Notifications;
            LeaseRound leased = await this.LeaseAsync(round, stopLeasing).ConfigureAwait(false);
            foreach (TItem item in leased.Items)
            {
                this.Start(item, notificationsBefore, abortWork);
            }

            int unused = round - leased.Items.Count;
            if (unused > 0)
            {
                this.slots.Release(unused);
            }

            if (stopLeasing.IsCancellationRequested)
            {
                break;
            }

            if (leased.Error is { } error)
            {
                errorBackoff = errorBackoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromTicks(Math.Min(errorBackoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                Logs.LeaseFailed(this.logger, this.name, errorBackoff.TotalMilliseconds, error);
                fullRounds = 0;
                await this.DelayAsync(errorBackoff, stopLeasing).ConfigureAwait(false);
                continue;
            }

            errorBackoff = TimeSpan.Zero;
            if (this.pendingDue <= leaseStarted)
            {
                // This lease looked at (or after) that due time, so whatever came due then it has seen.
                this.pendingDue = null;
            }

            // Ask again at once only while a lease saw more work beside its item. When none did, whatever is written
            // from now on is announced, and the wait below wakes for it (a notification is kept until then).
            bool more = leased.Items.Exists(item => this.moreWorkVisible(item));
            if (more && leased.Items.Count == round)
            {
                this.polling.Reset();
                // Capped past the widest round: no count to overflow in a host that runs for years.
                fullRounds = Math.Min(fullRounds + 1, 8);
                continue;
            }

            fullRounds = 0;
            if (leased.Items.Count > 0)
            {
                this.polling.Reset();
                if (more)
                {
                    continue;
                }
            }

            Wake wake = await this.WaitForWorkAsync(leaseStarted, stopLeasing).ConfigureAwait(false);
            if (wake == Wake.Notified)
            {
                this.polling.Reset();
            }
            else if (wake == Wake.PollElapsed)
            {
                this.polling.Grow();
            }
        }

        // No reservation succeeds from here on; one made just before still becomes work in flight, so wait for it too.
        Interlocked.Exchange(ref this.open, 0);
        while (true)
        {
            Task[] remaining;
            lock (this.inFlight)
            {
                remaining = [.. this.inFlight];
            }

            if (remaining.Length > 0)
            {
                await Task.WhenAll(remaining).ConfigureAwait(false);
            }
            else if (Volatile.Read(ref this.reserved) > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(5), CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                break;
            }
        }
    }

    /// <summary>How many items with a key are being processed (for tests: an instance between episodes is not among them).</summary>
    internal int RunningKeys
    {
        get
        {
            lock (this.running)
            {
                return this.running.Count;
            }
        }
    }

    /// <summary>Whether the item with <paramref name="key"/> is being processed here now (the lease calls skip it).</summary>
    public bool IsRunning(string key)
    {
        lock (this.running)
        {
            return this.running.Contains(key);
        }
    }

    /// <summary>
    /// Completes once the item with <paramref name="key"/> that is being processed here now, and any item run after it on
    /// its slot, has ended (at once when none is).
    /// </summary>
    public Task WhenStoppedAsync(string key)
    {
        lock (this.running)
        {
            if (!this.running.Contains(key))
            {
                return Task.CompletedTask;
            }

            if (!this.stopWaiters.TryGetValue(key, out TaskCompletionSource? stopped))
            {
                stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                this.stopWaiters.Add(key, stopped);
            }

            return stopped.Task;
        }
    }

    /// <summary>
    /// Lets <see cref="TryReserve"/> succeed from now until <see cref="RunAsync"/> ends: call it before starting that
    /// loop (on a task of its own), so a client writing right after the engine started already finds it open.
    /// </summary>
    /// <param name="abortWork">The token <see cref="RunAsync"/> is given: it cancels those items too.</param>
    public void Open(CancellationToken abortWork)
    {
        this.abortWork = abortWork;
        Interlocked.Exchange(ref this.open, 1);
    }

    /// <summary>
    /// Takes a concurrency slot for an item that will be leased outside the lease loop (an instance created, or sent an
    /// event, leased to this host), or says no: no slot free, or the loop is not open (<see cref="Open"/>). Follow with
    /// <see cref="Run"/> or <see cref="Unreserve"/>.
    /// </summary>
    public bool TryReserve()
    {
        Interlocked.Increment(ref this.reserved);
        if (Volatile.Read(ref this.open) == 1 && this.slots.Wait(0))
        {
            return true;
        }

        Interlocked.Decrement(ref this.reserved);
        return false;
    }

    /// <summary>Gives back a reservation whose item was not leased.</summary>
    public void Unreserve()
    {
        this.slots.Release();
        Interlocked.Decrement(ref this.reserved);
    }

    /// <summary>
    /// Processes a reserved item as if a lease round had brought it; <paramref name="notificationsBefore"/> is
    /// <see cref="WorkSignal.Notifications"/> read before the item was leased, so a notification for it meanwhile is seen.
    /// An item whose key is still being processed here (its lease was taken as the item before committed) runs right
    /// after that one, on its slot, and the reservation's slot is given back.
    /// </summary>
    public void Run(TItem item, long notificationsBefore)
    {
        if (this.runningKey(item) is { } key)
        {
            lock (this.running)
            {
                if (this.running.Contains(key))
                {
                    // One at most: each holds the key's lease, which only the item before it released.
                    this.queuedBehind.Add(key, (item, notificationsBefore));
                    this.Unreserve();
                    return;
                }
            }
        }

        this.Start(item, notificationsBefore, this.abortWork);
        Interlocked.Decrement(ref this.reserved);
    }

    /// <summary>Processes a leased item in the background, on the slot taken for it; later lease calls skip it meanwhile.</summary>
    private void Start(TItem item, long notificationsBefore, CancellationToken abortWork)
    {
        string? key = this.runningKey(item);
        if (key is not null)
        {
            lock (this.running)
            {
                this.running.Add(key);
            }

            if (this.lookAgainAfterEachItem)
            {
                this.signal.Watch(key, notificationsBefore);
            }
        }

        this.Track(this.RunItemAsync(item, key, abortWork));
    }

    /// <summary>
    /// How many leases to ask for at once after <paramref name="fullRounds"/> rounds in a row that found work: one, then
    /// twice as many from the second full round on, up to <see cref="MaxLeasesAtOnce"/>. Not wider after the first: one
    /// item found is most often the one just announced, and asking for two at once next would most often cost two
    /// empty lease queries instead of one.
    /// </summary>
    private static int WidthAfter(int fullRounds) => fullRounds < 2 ? 1 : Math.Min(1 << Math.Min(fullRounds - 1, 4), MaxLeasesAtOnce);

    /// <summary>Asks the store for <paramref name="count"/> work items at once; keeps whatever was leased even when a call failed.</summary>
    private async Task<LeaseRound> LeaseAsync(int count, CancellationToken stopLeasing)
    {
        // Items leased in this round cannot be leased twice in it: each holds a live lease.
        IReadOnlySet<string> skip;
        lock (this.running)
        {
            skip = this.running.Count == 0 ? IOrchestrationStore.NoInstances : new HashSet<string>(this.running, StringComparer.Ordinal);
        }

        Task<TItem?>[] calls = new Task<TItem?>[count];
        for (int i = 0; i < count; i++)
        {
            calls[i] = this.LeaseOneAsync(skip, stopLeasing);
        }

        try
        {
            await Task.WhenAll(calls).ConfigureAwait(false);
        }
        catch
        {
            // Each call is looked at below: a leased item must run even if a call beside it failed.
        }

        List<TItem> items = new(count);
        Exception? error = null;
        foreach (Task<TItem?> call in calls)
        {
            if (call.IsCompletedSuccessfully)
            {
                if (call.Result is { } item)
                {
                    items.Add(item);
                }
            }
            else if (!stopLeasing.IsCancellationRequested)
            {
                error ??= call.Exception?.GetBaseException() ?? new OperationCanceledException("The lease call was cancelled.");
            }
        }

        return new LeaseRound(items, error);
    }

    private Task<TItem?> LeaseOneAsync(IReadOnlySet<string> skip, CancellationToken stopLeasing)
    {
        try
        {
            return this.leaseAsync(skip, stopLeasing);
        }
        catch (Exception ex)
        {
            return Task.FromException<TItem?>(ex);
        }
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

    private async Task RunItemAsync(TItem item, string? key, CancellationToken abortWork)
    {
        bool crashed = false;
        bool lookAgain = key is null;
        try
        {
            // Yield so the lease loop goes on leasing while this item runs.
            await Task.Yield();

            // An item's commit may have leased the next work of the same key (an event that arrived meanwhile): it runs
            // on this slot, still skipped by lease calls, and its processor has started the key's watch anew. So does an
            // item of the key that an event's write leased meanwhile (Run).
            for (TItem? current = item; current is not null;)
            {
                TItem? leasedByCommit = null;
                try
                {
                    leasedByCommit = await this.processAsync(current, abortWork).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    crashed = true;
                    Logs.WorkItemCrashed(this.logger, this.name, ex);
                }

                current = leasedByCommit ?? (key is null ? null : this.NextOrStop(key, out lookAgain));
            }
        }
        finally
        {
            this.slots.Release();

            // Orchestrations look again after an item when work may have arrived for its instance while it was leased
            // (an event mid-episode): that work could not be leased then. The processor announces what the item itself
            // wrote (messages, timers due soon, a hand-back) by instance, so that is seen here too.
            if (this.lookAgainAfterEachItem && (lookAgain || crashed))
            {
                this.signal.Notify(key);
            }
        }
    }

    /// <summary>
    /// The item <see cref="Run"/> queued behind the one of <paramref name="key"/> that just ended, watched from before its
    /// lease; or, when there is none, the key stops running here, and <paramref name="lookAgain"/> says whether work may
    /// have arrived for it meanwhile. Under the lock, so nothing is queued behind a key that has stopped, and a lease of the
    /// key right after finds its watch in place.
    /// </summary>
    private TItem? NextOrStop(string key, out bool lookAgain)
    {
        lock (this.running)
        {
            if (this.queuedBehind.Remove(key, out (TItem Item, long NotificationsBefore) queued))
            {
                if (this.lookAgainAfterEachItem)
                {
                    this.signal.Watch(key, queued.NotificationsBefore);
                }

                lookAgain = false;
                return queued.Item;
            }

            lookAgain = this.lookAgainAfterEachItem && this.signal.Unwatch(key);
            this.running.Remove(key);
            if (this.stopWaiters.Remove(key, out TaskCompletionSource? stopped))
            {
                stopped.SetResult();
            }

            return null;
        }
    }

    /// <summary>
    /// Sleeps until the earliest of: a notification, the next due time (exact), or the fallback poll. Says which
    /// one ended the sleep, so the loop can grow or reset the poll interval.
    /// </summary>
    /// <param name="leaseStarted">When the last lease round began: what it saw is all this sleep may assume seen.</param>
    /// <param name="cancellationToken">Stops the sleep (shutdown).</param>
    private async Task<Wake> WaitForWorkAsync(DateTimeOffset leaseStarted, CancellationToken cancellationToken)
    {
        Task notified = this.signal.WaitAsync();
        try
        {
            if (notified.IsCompleted)
            {
                // Work was announced meanwhile: lease it now, and ask for the next due time when idle.
                return Wake.Notified;
            }

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
            DateTimeOffset sleepFrom = this.time.GetUtcNow();
            if (sleepFrom - leaseStarted >= wait)
            {
                // A whole poll interval passed since the last lease began (the loop was held up, or a test's fake clock
                // jumped), so that poll is due now. Work that came due meanwhile is in the past, which the store does
                // not report as a due time, and sleeping on would miss it for another interval, or for good on a fake
                // clock that does not move again.
                return Wake.PollElapsed;
            }

            if (this.pendingDue is { } pending)
            {
                TimeSpan untilDue = pending - sleepFrom;
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

            // A delay counts from when it is made: a clock that moved past the wake-up since it was computed (a test's
            // fake clock advanced in between) would otherwise hold this sleep until it moves again.
            Task first = this.time.GetUtcNow() - sleepFrom >= wait ? delay : await Task.WhenAny(notified, delay).ConfigureAwait(false);
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

    /// <summary>What one round of lease calls brought: the items leased, and the first failure if a call failed.</summary>
    private sealed record LeaseRound(List<TItem> Items, Exception? Error);

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
