namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>Retry policy for activities and sub-orchestrations (as Durable Functions' <c>RetryOptions</c>).</summary>
/// <remarks>Retries wait on durable timers, so they survive restarts and replay deterministically.</remarks>
public class RetryOptions
{
    /// <summary>Initializes a new instance of the <see cref="RetryOptions"/> class.</summary>
    /// <param name="firstRetryInterval">Delay before the first retry (must be greater than zero).</param>
    /// <param name="maxNumberOfAttempts">Total attempts including the first (at least 1).</param>
    public RetryOptions(TimeSpan firstRetryInterval, int maxNumberOfAttempts)
    {
        if (firstRetryInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(firstRetryInterval), firstRetryInterval, "The first retry interval must be greater than zero.");
        }

        this.FirstRetryInterval = firstRetryInterval;
        this.MaxNumberOfAttempts = maxNumberOfAttempts;
    }

    /// <summary>Gets or sets the delay before the first retry.</summary>
    public TimeSpan FirstRetryInterval { get; set; }

    /// <summary>Gets or sets the upper bound of one delay (default 6 days).</summary>
    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromDays(6);

    /// <summary>Gets or sets the factor applied to each following delay (default 1).</summary>
    public double BackoffCoefficient { get; set; } = 1;

    /// <summary>Gets or sets how long after the first attempt retries may still start (default unbounded).</summary>
    public TimeSpan RetryTimeout { get; set; } = TimeSpan.MaxValue;

    /// <summary>Gets or sets the total number of attempts including the first.</summary>
    public int MaxNumberOfAttempts { get; set; }

    /// <summary>Gets or sets which failures are retried (default: all).</summary>
    public Func<Exception, bool> Handle { get; set; } = _ => true;

    /// <summary>The engine's equivalent of this policy.</summary>
    internal Durable.Core.RetryPolicy ToCore()
    {
        Func<Exception, bool> handle = this.Handle;
        return new Durable.Core.RetryPolicy(this.FirstRetryInterval, this.MaxNumberOfAttempts)
        {
            MaxRetryInterval = this.MaxRetryInterval,
            BackoffCoefficient = this.BackoffCoefficient,
            RetryTimeout = this.RetryTimeout,

            // Users test for FunctionFailedException, as in Durable Functions; the engine hands over its own type.
            Handle = e => handle(e is Durable.Core.TaskFailedException failed ? Durable.WebJobs.ContextImplementations.FunctionFailures.Wrap(failed, "activity or orchestrator") : e),
        };
    }
}
