using System.Collections.Concurrent;
using System.Threading.Channels;
using Durable.Core.Dispatch;
using Durable.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Durable.Core.Tests.Dispatch;

/// <summary>
/// How long an idle dispatcher sleeps, read off the timers it creates on a fake clock: the fallback poll backs off
/// while it finds nothing and starts small again on work or a notification; due times are slept to exactly.
/// </summary>
public sealed class WorkDispatcherPollingTests
{
    private static readonly TimeSpan Start = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Cap = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task Idle_PollsFindNothing_IntervalDoublesUpToTheCap()
    {
        await using IdleDispatcher dispatcher = IdleDispatcher.Start(Start, Cap);

        List<TimeSpan> sleeps = [];
        for (int i = 0; i < 6; i++)
        {
            TimeSpan sleep = await dispatcher.NextSleepAsync();
            sleeps.Add(sleep);
            dispatcher.Time.Advance(sleep);
        }

        Assert.Equal(Milliseconds(50, 100, 200, 400, 400, 400), sleeps);
    }

    [Fact]
    public async Task BackedOffToTheCap_Notified_IntervalStartsSmallAgain()
    {
        await using IdleDispatcher dispatcher = IdleDispatcher.Start(Start, Cap);
        await dispatcher.BackOffToTheCapAsync();

        dispatcher.Signal.Notify();

        Assert.Equal(Start, await dispatcher.NextSleepAsync());
    }

    [Fact]
    public async Task BackedOffToTheCap_WorkFound_IntervalStartsSmallAgain()
    {
        await using IdleDispatcher dispatcher = IdleDispatcher.Start(Start, Cap);
        await dispatcher.BackOffToTheCapAsync();

        // Written by "another process": nothing notifies, the capped poll finds it.
        dispatcher.Offer("work");
        dispatcher.Time.Advance(Cap);

        Assert.Equal("work", (await dispatcher.Leased.Task.WaitAsync(TimeSpan.FromSeconds(10))).Item);
        Assert.Equal(Start, await dispatcher.NextSleepAsync());
    }

    [Fact]
    public async Task BackedOffToTheCap_TimerDueSooner_SleepsExactlyUntilItAndKeepsTheBackOff()
    {
        await using IdleDispatcher dispatcher = IdleDispatcher.Start(Start, Cap);
        await dispatcher.BackOffToTheCapAsync();
        DateTimeOffset due = dispatcher.Time.GetUtcNow() + Cap + TimeSpan.FromMilliseconds(130);
        dispatcher.NextDue = due;

        // The sleep already running ends at its poll; the next one ends at the timer, not a poll interval later.
        dispatcher.Time.Advance(Cap);
        TimeSpan untilTimer = await dispatcher.NextSleepAsync();
        dispatcher.Time.Advance(untilTimer);
        TimeSpan afterTimer = await dispatcher.NextSleepAsync();

        Assert.Equal(TimeSpan.FromMilliseconds(130), untilTimer);
        Assert.Equal(due, dispatcher.LastLease);
        Assert.Equal(Cap, afterTimer);
    }

    [Fact]
    public async Task WokenJustBeforeATimer_StorePassesItWhileAsked_LeasesAtOnceInsteadOfSleepingAnInterval()
    {
        // Start = cap = 5 s, so any sleep not meant for the timer would be obvious.
        TimeSpan interval = TimeSpan.FromSeconds(5);
        DateTimeOffset due = default;
        await using IdleDispatcher dispatcher = IdleDispatcher.Start(interval, interval, d =>
        {
            due = d.Time.GetUtcNow() + TimeSpan.FromSeconds(1);
            d.NextDue = due;
            d.OfferAt(due, "timer");
        });
        Assert.Equal(TimeSpan.FromSeconds(1), await dispatcher.NextSleepAsync());

        // A wake-up half a millisecond early (a real timer rounds to whole milliseconds; here a notification): the
        // lease comes too soon, and the store query after it takes a millisecond, so the timer is no longer in the
        // future when the store answers and the store does not report it.
        dispatcher.Time.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(5_000));
        dispatcher.QueryTakes = TimeSpan.FromMilliseconds(1);
        dispatcher.Signal.Notify();

        Assert.Equal(("timer", due + TimeSpan.FromTicks(5_000)), await LeasedBeforeItSleptAsync(dispatcher));
    }

    [Fact]
    public async Task ClockPassesATimerWhileTheStoreIsAsked_MoreThanAnInterval_LeasesAtOnceInsteadOfSleeping()
    {
        // Start = cap = 5 s. The loop's first lease finds nothing; while the store is then asked for its next due time the
        // clock moves 6 s, past a timer due 1 s after that lease, so the store no longer reports the timer.
        TimeSpan interval = TimeSpan.FromSeconds(5);
        DateTimeOffset due = default;
        await using IdleDispatcher dispatcher = IdleDispatcher.Start(interval, interval, d =>
        {
            due = d.Time.GetUtcNow() + TimeSpan.FromSeconds(1);
            d.NextDue = due;
            d.OfferAt(due, "timer");
            d.FirstQueryTakes = TimeSpan.FromSeconds(6);
        });

        // Assert: a poll was due, so the loop leased again before it slept, and found the timer.
        Assert.Equal("timer", (await LeasedBeforeItSleptAsync(dispatcher)).Item);
    }

    /// <summary>
    /// The item the dispatcher leased before its next sleep. The loop leases on its own thread before it starts that
    /// sleep, so whether the lease was made is read when the sleep is reported, not raced against it.
    /// </summary>
    private static async Task<(string Item, DateTimeOffset At)> LeasedBeforeItSleptAsync(IdleDispatcher dispatcher)
    {
        TimeSpan slept = await dispatcher.NextSleepAsync();
        Assert.True(dispatcher.Leased.Task.IsCompleted, $"the dispatcher slept {slept.TotalMilliseconds} ms past a due timer");
        return await dispatcher.Leased.Task;
    }

    private static TimeSpan[] Milliseconds(params int[] values) => [.. values.Select(ms => TimeSpan.FromMilliseconds(ms))];

    /// <summary>A dispatcher over a scripted store on a fake clock; every sleep it starts is reported.</summary>
    private sealed class IdleDispatcher : IAsyncDisposable
    {
        private readonly ObservedTime observed;
        private readonly ConcurrentQueue<(DateTimeOffset VisibleAt, string Item)> offered = new();
        private readonly CancellationTokenSource stop = new();
        private Task run = Task.CompletedTask;

        private IdleDispatcher(FakeTimeProvider time)
        {
            this.Time = time;
            this.observed = new ObservedTime(time);
        }

        public FakeTimeProvider Time { get; }

        public WorkSignal Signal { get; } = new();

        /// <summary>The clock reading at the latest lease call.</summary>
        public DateTimeOffset LastLease { get; private set; }

        /// <summary>The first item leased and the clock reading then.</summary>
        public TaskCompletionSource<(string Item, DateTimeOffset At)> Leased { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>What the store reports as its next due time, while still in the future (as stores do).</summary>
        public DateTimeOffset? NextDue { get; set; }

        /// <summary>How far the clock moves while the store is asked for its next due time.</summary>
        public TimeSpan QueryTakes { get; set; }

        /// <summary>How far the clock moves while the store is asked the first time (then <see cref="QueryTakes"/>).</summary>
        public TimeSpan FirstQueryTakes { get; set; }

        /// <param name="start">The first poll interval.</param>
        /// <param name="cap">The largest poll interval.</param>
        /// <param name="arrange">Scripts the store before the loop's first query, so that query already sees it.</param>
        public static IdleDispatcher Start(TimeSpan start, TimeSpan cap, Action<IdleDispatcher>? arrange = null)
        {
            IdleDispatcher d = new(new FakeTimeProvider());
            arrange?.Invoke(d);
            WorkDispatcher<string> dispatcher = new(
                "test",
                slots: new SemaphoreSlim(1),
                (_, ct) => d.LeaseAsync(ct),
                _ => null,
                (_, _) => Task.FromResult<string?>(null),
                d.NextWakeUpAsync,
                d.Signal,
                d.observed,
                new PollingBackoff(start, cap),
                NullLogger.Instance);
            d.run = Task.Run(() => dispatcher.RunAsync(d.stop.Token, CancellationToken.None));
            return d;
        }

        public void Offer(string item) => this.offered.Enqueue((DateTimeOffset.MinValue, item));

        public void OfferAt(DateTimeOffset visibleAt, string item) => this.offered.Enqueue((visibleAt, item));

        /// <summary>The length of the next sleep the dispatcher starts.</summary>
        public async Task<TimeSpan> NextSleepAsync() =>
            await this.observed.Sleeps.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        /// <summary>Lets polls find nothing until the interval reaches the cap (50, 100, 200, then 400 ms).</summary>
        public async Task BackOffToTheCapAsync()
        {
            TimeSpan sleep;
            while ((sleep = await this.NextSleepAsync()) < Cap)
            {
                this.Time.Advance(sleep);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await this.stop.CancelAsync();
            await this.run.WaitAsync(TimeSpan.FromSeconds(10));
            this.stop.Dispose();
        }

        private Task<string?> LeaseAsync(CancellationToken cancellationToken)
        {
            DateTimeOffset now = this.Time.GetUtcNow();
            this.LastLease = now;
            if (this.offered.TryPeek(out var next) && next.VisibleAt <= now && this.offered.TryDequeue(out _))
            {
                this.Leased.TrySetResult((next.Item, now));
                return Task.FromResult<string?>(next.Item);
            }

            return Task.FromResult<string?>(null);
        }

        private Task<DateTimeOffset?> NextWakeUpAsync(CancellationToken cancellationToken)
        {
            TimeSpan takes = this.FirstQueryTakes > TimeSpan.Zero ? this.FirstQueryTakes : this.QueryTakes;
            this.FirstQueryTakes = TimeSpan.Zero;
            if (takes > TimeSpan.Zero)
            {
                this.Time.Advance(takes);
            }

            return Task.FromResult(this.NextDue > this.Time.GetUtcNow() ? this.NextDue : null);
        }
    }

    /// <summary>The fake clock, reporting the due time of every timer created from it (the dispatcher's sleeps).</summary>
    private sealed class ObservedTime(FakeTimeProvider inner) : TimeProvider
    {
        public Channel<TimeSpan> Sleeps { get; } = Channel.CreateUnbounded<TimeSpan>();

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            this.Sleeps.Writer.TryWrite(dueTime);
            return inner.CreateTimer(callback, state, dueTime, period);
        }
    }
}
