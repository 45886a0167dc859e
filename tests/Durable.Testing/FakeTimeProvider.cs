namespace Durable.Testing;

/// <summary>
/// A clock that moves only when a test says so. Timers created from it (Task.Delay, dispatcher sleeps)
/// fire during <see cref="Advance"/>, so tests cover 90-second windows without waiting 90 seconds.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly object gate = new();
    private readonly List<FakeTimer> timers = [];
    private DateTimeOffset now;

    /// <summary>Starts the clock at <paramref name="start"/> (default 2026-01-01T00:00:00Z).</summary>
    public FakeTimeProvider(DateTimeOffset? start = null)
    {
        this.now = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        lock (this.gate)
        {
            return this.now;
        }
    }

    /// <summary>Moves the clock forward and fires every timer that became due, in due order.</summary>
    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(by), "Time only moves forward.");
        }

        DateTimeOffset target;
        lock (this.gate)
        {
            target = this.now + by;
        }

        while (true)
        {
            FakeTimer? next;
            lock (this.gate)
            {
                next = this.timers.Where(t => t.Due <= target).OrderBy(t => t.Due).FirstOrDefault();
                if (next is null)
                {
                    this.now = target;
                    return;
                }

                if (next.Due > this.now)
                {
                    this.now = next.Due;
                }

                next.Reschedule();
            }

            next.Fire();
        }
    }

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        FakeTimer timer = new(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class FakeTimer : ITimer
    {
        private readonly FakeTimeProvider owner;
        private readonly TimerCallback callback;
        private readonly object? state;
        private TimeSpan period;

        public FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state)
        {
            this.owner = owner;
            this.callback = callback;
            this.state = state;
        }

        public DateTimeOffset Due { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (this.owner.gate)
            {
                this.owner.timers.Remove(this);
                this.period = period;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    this.Due = this.owner.now + dueTime;
                    this.owner.timers.Add(this);
                }
            }

            return true;
        }

        /// <summary>Called under the owner's lock: re-arms a periodic timer or removes a one-shot one.</summary>
        public void Reschedule()
        {
            this.owner.timers.Remove(this);
            if (this.period > TimeSpan.Zero && this.period != Timeout.InfiniteTimeSpan)
            {
                this.Due += this.period;
                this.owner.timers.Add(this);
            }
        }

        public void Fire() => this.callback(this.state);

        public void Dispose()
        {
            lock (this.owner.gate)
            {
                this.owner.timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            this.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
