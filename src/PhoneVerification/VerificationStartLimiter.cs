using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;

namespace PhoneVerification;

/// <summary>
/// Counts verification starts per phone number in a sliding window (<see cref="VerificationStartLimit"/>). One per
/// host configuration, in memory: several hosts each apply the cap (a shared store-backed count is future work).
/// </summary>
public sealed class VerificationStartLimiter
{
    private static readonly ConditionalWeakTable<IConfiguration, VerificationStartLimiter> PerConfiguration = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> starts = new(StringComparer.Ordinal);

    // Every start counted, oldest first, so expired numbers are dropped a few per call: memory stays bounded by the
    // starts inside one window under a flood of distinct numbers, and no call pays for a scan of all of them.
    private readonly Queue<(DateTimeOffset At, string PhoneNumber)> order = new();
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

    /// <summary>How many numbers it remembers (those with a start inside the window, give or take the last call).</summary>
    internal int TrackedNumbers
    {
        get
        {
            lock (this.gate)
            {
                return this.starts.Count;
            }
        }
    }

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
            this.DropExpired(now);

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
            this.order.Enqueue((now, phoneNumber));
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

    private void DropExpired(DateTimeOffset now)
    {
        while (this.order.TryPeek(out (DateTimeOffset At, string PhoneNumber) oldest) && oldest.At + this.Limit.Window <= now)
        {
            this.order.Dequeue();
            if (this.starts.TryGetValue(oldest.PhoneNumber, out Queue<DateTimeOffset>? recent))
            {
                this.Expire(recent, now);
                if (recent.Count == 0)
                {
                    this.starts.Remove(oldest.PhoneNumber);
                }
            }
        }
    }
}
