namespace Durable.Core;

/// <summary>
/// A work item was given up on: it was leased <see cref="DurableEngineOptions.MaxDequeueCount"/> times without
/// committing (each attempt crashed its process, lost its lease, or failed before committing). The orchestration
/// fails, or the activity's task fails, with this error instead of being retried forever.
/// </summary>
public sealed class AttemptsExhaustedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was given up on and after how many attempts.</param>
    /// <param name="innerException">The last attempt's error, when this process saw it.</param>
    public AttemptsExhaustedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
