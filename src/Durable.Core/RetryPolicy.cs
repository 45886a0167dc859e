namespace Durable.Core;

/// <summary>
/// Retry policy for activities and sub-orchestrations. Retries wait on durable timers, so they survive
/// restarts and replay deterministically.
/// </summary>
public sealed class RetryPolicy
{
    /// <summary>Creates a policy.</summary>
    /// <param name="firstRetryInterval">Delay before the first retry (&gt; 0).</param>
    /// <param name="maxNumberOfAttempts">Total attempts including the first (≥ 1).</param>
    public RetryPolicy(TimeSpan firstRetryInterval, int maxNumberOfAttempts)
    {
        if (firstRetryInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(firstRetryInterval), firstRetryInterval, "The first retry interval must be greater than zero.");
        }

        if (maxNumberOfAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxNumberOfAttempts), maxNumberOfAttempts, "At least one attempt is required.");
        }

        this.FirstRetryInterval = firstRetryInterval;
        this.MaxNumberOfAttempts = maxNumberOfAttempts;
    }

    /// <summary>Delay before the first retry.</summary>
    public TimeSpan FirstRetryInterval { get; }

    /// <summary>Total attempts including the first.</summary>
    public int MaxNumberOfAttempts { get; }

    /// <summary>Each delay is the previous one times this (default 1).</summary>
    public double BackoffCoefficient { get; set; } = 1;

    /// <summary>Upper bound of one delay (default 6 days, as Durable Functions).</summary>
    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromDays(6);

    /// <summary>No retry starts later than this after the first attempt (default: unbounded).</summary>
    public TimeSpan RetryTimeout { get; set; } = TimeSpan.MaxValue;

    /// <summary>Decides whether a failure is retried (default: all).</summary>
    public Func<Exception, bool> Handle { get; set; } = _ => true;

    /// <summary>The delay before retry number <paramref name="retry"/> (1-based).</summary>
    internal TimeSpan DelayBefore(int retry)
    {
        double ticks = this.FirstRetryInterval.Ticks * Math.Pow(this.BackoffCoefficient, retry - 1);
        return ticks >= this.MaxRetryInterval.Ticks ? this.MaxRetryInterval : TimeSpan.FromTicks((long)ticks);
    }
}
