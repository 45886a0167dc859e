using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;

namespace PhoneVerification;

/// <summary>
/// Counts verification starts per phone number in a sliding window (<see cref="VerificationStartLimit"/>). One per
/// host configuration, in memory: several hosts each apply the cap (a shared store-backed count is future work).
/// </summary>
public sealed class VerificationStartLimiter
{
    // Past this many numbers, expired entries are swept so memory stays bounded under a flood of distinct numbers.
    private const int SweepThreshold = 10_000;
    private static readonly ConditionalWeakTable<IConfiguration, VerificationStartLimiter> PerConfiguration = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> starts = new(StringComparer.Ordinal);
    private readonly object gate = new();
    private readonly TimeProvider time;

    /// <summary>Creates a limiter.</summary>
    /// <param name="limit">The cap and window.</param>
    /// <param name="time">The clock.</param>
    public VerificationStartLimiter(VerificationStartLimit limit, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(limit);
        ArgumentNullException.ThrowIfNull(time);
        this.Limit = limit;
        this.time = time;
    }

    /// <summary>The cap and window.</summary>
    public VerificationStartLimit Limit { get; }

    /// <summary>The limiter of the host whose app settings are <paramref name="configuration"/> (shared by its invocations).</summary>
    /// <param name="configuration">The host's app settings.</param>
    /// <returns>The limiter.</returns>
    public static VerificationStartLimiter For(IConfiguration configuration) =>
        PerConfiguration.GetValue(configuration, c => new VerificationStartLimiter(VerificationStartLimit.Read(c), TimeProvider.System));

    /// <summary>Counts one start for <paramref name="phoneNumber"/>; null when allowed, else how long until the next is.</summary>
    /// <param name="phoneNumber">The E.164 number.</param>
    /// <returns>Null, or the wait.</returns>
    public TimeSpan? TryAcquire(string phoneNumber)
    {
        DateTimeOffset now = this.time.GetUtcNow();
        lock (this.gate)
        {
            if (this.starts.Count > SweepThreshold)
            {
                this.Sweep(now);
            }

            if (!this.starts.TryGetValue(phoneNumber, out Queue<DateTimeOffset>? recent))
            {
                recent = new Queue<DateTimeOffset>();
                this.starts[phoneNumber] = recent;
            }

            this.Expire(recent, now);
            if (recent.Count >= this.Limit.MaxStarts)
            {
                return recent.Peek() + this.Limit.Window - now;
            }

            recent.Enqueue(now);
            return null;
        }
    }

    /// <summary>Gives back the last start counted for <paramref name="phoneNumber"/> (it did not happen).</summary>
    /// <param name="phoneNumber">The E.164 number.</param>
    public void Release(string phoneNumber)
    {
        lock (this.gate)
        {
            if (this.starts.TryGetValue(phoneNumber, out Queue<DateTimeOffset>? recent) && recent.Count > 0)
            {
                // The newest entry is the one to undo; a queue has no "remove last", so rebuild without it.
                this.starts[phoneNumber] = new Queue<DateTimeOffset>(recent.Take(recent.Count - 1));
            }
        }
    }

    private void Expire(Queue<DateTimeOffset> recent, DateTimeOffset now)
    {
        while (recent.Count > 0 && recent.Peek() + this.Limit.Window <= now)
        {
            recent.Dequeue();
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (string number in this.starts.Keys.ToList())
        {
            Queue<DateTimeOffset> recent = this.starts[number];
            this.Expire(recent, now);
            if (recent.Count == 0)
            {
                this.starts.Remove(number);
            }
        }
    }
}
