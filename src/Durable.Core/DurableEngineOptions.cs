namespace Durable.Core;

/// <summary>Engine settings (host.json <c>extensions.durableTask</c>). Validated when the engine is built.</summary>
public sealed class DurableEngineOptions
{
    /// <summary>Task hub name: isolates instances sharing one store.</summary>
    public string HubName { get; set; } = "TestHubName";

    /// <summary>Activities run at once by this host (default 10 × cores, as Durable Functions).</summary>
    public int MaxConcurrentActivityFunctions { get; set; } = 10 * Environment.ProcessorCount;

    /// <summary>Orchestration episodes run at once by this host (default 10 × cores).</summary>
    public int MaxConcurrentOrchestratorFunctions { get; set; } = 10 * Environment.ProcessorCount;

    /// <summary>How long a leased work item is owned before another worker may take it over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest sleep of an idle dispatcher; in-process writes and due timers wake it sooner.</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Inbox messages processed per episode at most.</summary>
    public int MaxMessagesPerEpisode { get; set; } = 100;

    /// <summary>How long a graceful stop lets work in flight finish before releasing it.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many times a work item is leased before it is given up on (host.json <c>maxDequeueCount</c>, default 5).
    /// An orchestration episode or activity whose lease was taken this many times without committing (its process
    /// crashed, it lost its lease, or it failed before committing) is parked instead of retried again: the
    /// orchestration ends Failed, or the activity's task fails, with an error naming the attempts.
    /// </summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(this.HubName))
        {
            throw new ArgumentException("hubName must not be empty.", nameof(this.HubName));
        }

        if (this.MaxConcurrentActivityFunctions < 1)
        {
            throw new ArgumentException("maxConcurrentActivityFunctions must be greater than 0.", nameof(this.MaxConcurrentActivityFunctions));
        }

        if (this.MaxConcurrentOrchestratorFunctions < 1)
        {
            throw new ArgumentException("maxConcurrentOrchestratorFunctions must be greater than 0.", nameof(this.MaxConcurrentOrchestratorFunctions));
        }

        if (this.LeaseDuration < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("The lease duration must be at least 1 second.", nameof(this.LeaseDuration));
        }

        if (this.MaxDequeueCount < 1)
        {
            throw new ArgumentException("maxDequeueCount must be greater than 0.", nameof(this.MaxDequeueCount));
        }

        if (this.ShutdownTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException("The shutdown timeout must not be negative.", nameof(this.ShutdownTimeout));
        }

        if (this.MaxPollingInterval <= TimeSpan.Zero || this.MaxMessagesPerEpisode < 1)
        {
            throw new ArgumentException("The polling interval and the messages per episode must be positive.", nameof(this.MaxPollingInterval));
        }
    }
}
