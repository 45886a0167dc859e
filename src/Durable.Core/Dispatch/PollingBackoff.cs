namespace Durable.Core.Dispatch;

/// <summary>
/// The interval of an idle dispatcher's fallback poll: it starts small, doubles each time a poll finds nothing, up
/// to a cap, and snaps back when work turns up or a notification arrives. So a host that just went quiet still looks
/// often (work from another host whose notification was lost is found soon) while a host idle for long puts only
/// one lease query per cap on the store. Due times (timers, retries, lease expiries) are not polled for: the
/// dispatcher sleeps until them exactly, whatever this says.
/// </summary>
internal sealed class PollingBackoff
{
    private readonly TimeSpan start;

    /// <param name="start">The first interval after work or a notification (clamped to <paramref name="cap"/>).</param>
    /// <param name="cap">The longest interval.</param>
    public PollingBackoff(TimeSpan start, TimeSpan cap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(start, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(cap, TimeSpan.Zero);
        this.start = start < cap ? start : cap;
        this.Cap = cap;
        this.Current = this.start;
    }

    /// <summary>The longest interval.</summary>
    public TimeSpan Cap { get; }

    /// <summary>How long the next idle wait lasts at most.</summary>
    public TimeSpan Current { get; private set; }

    /// <summary>Work was found or a notification arrived: look again soon.</summary>
    public void Reset() => this.Current = this.start;

    /// <summary>A poll found nothing: wait twice as long next time, up to the cap.</summary>
    public void Grow() => this.Current = this.Current.Ticks > this.Cap.Ticks / 2 ? this.Cap : this.Current * 2;
}
