namespace Durable.Core;

/// <summary>Engine settings (host.json <c>extensions.durableTask</c>). Validated when the engine is built.</summary>
public sealed class DurableEngineOptions
{
    /// <summary>Task hub name: isolates instances sharing one store.</summary>
    public string HubName { get; set; } = "TestHubName";

    /// <summary>Activities run at once by this host (default 10 × cores, as Durable Functions).</summary>
    public int MaxConcurrentActivityFunctions { get; set; } = 10 * Environment.ProcessorCount;

    /// <summary>
    /// Whether an episode runs the activities it schedules itself, while a slot of
    /// <see cref="MaxConcurrentActivityFunctions"/> is free, and commits their results with its own (default true; host.json
    /// <c>inlineActivities</c>). It saves the activity queue's lease and commit and a second episode per activity. Off,
    /// every activity goes through the queue, so the instance takes its next messages (events, say) while the activity
    /// runs instead of after it: set it off when activities run for long and events must not wait for them.
    /// </summary>
    public bool InlineActivities { get; set; } = true;

    /// <summary>
    /// Whether an event for an instance that waits as this host's last commit left it runs its episode at once, on that
    /// copy, and is stored with the episode's commit in one write, refused by the store if the instance changed since
    /// (default true; host.json <c>oneWriteEvents</c>). It saves the event's own write and the episode's lease, and the
    /// event's effects are stored when its write returns. Off, the event is stored and its episode leased like any other.
    /// </summary>
    public bool OneWriteEvents { get; set; } = true;

    /// <summary>Orchestration episodes run at once by this host (default 10 × cores).</summary>
    public int MaxConcurrentOrchestratorFunctions { get; set; } = 10 * Environment.ProcessorCount;

    /// <summary>How long a leased work item is owned before another worker may take it over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The cap of an idle dispatcher's fallback poll without store notifications: polling is how a second process on
    /// the same store file is noticed, and on a local file it costs next to nothing.
    /// </summary>
    public static readonly TimeSpan DefaultMaxPollingInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The cap when the store notifies of work other processes wrote (<see cref="Storage.IWorkArrivalNotifier"/>,
    /// PostgreSQL's LISTEN/NOTIFY): polling then only covers notifications lost while the listening connection was
    /// down, so it can be rarer (durabletask-mssql, which only polls, caps at 3 s). Shorter than the listener's 30-s
    /// keep-alive, so a listener that died silently costs at most this much per wake-up until it is replaced.
    /// </summary>
    public static readonly TimeSpan DefaultMaxPollingIntervalWithNotifications = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The first fallback poll interval after work or a notification; it doubles while polls find nothing, up to
    /// <see cref="MaxPollingInterval"/> (default 50 ms, as durabletask-mssql's minimum polling interval).
    /// </summary>
    public TimeSpan MinPollingInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The longest sleep of an idle dispatcher (host.json <c>storageProvider.maxPollingInterval</c>). Null (default):
    /// <see cref="DefaultMaxPollingIntervalWithNotifications"/> for a store that notifies,
    /// <see cref="DefaultMaxPollingInterval"/> otherwise. Writes of this process, notifications and due times
    /// (timers, retries, lease expiries: slept to exactly) wake it sooner, whatever this says.
    /// </summary>
    public TimeSpan? MaxPollingInterval { get; set; }

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

        if (this.MaxPollingInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"maxPollingInterval must be positive (was {this.MaxPollingInterval}).", nameof(this.MaxPollingInterval));
        }

        if (this.MinPollingInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The minimum polling interval must be positive (was {this.MinPollingInterval}).", nameof(this.MinPollingInterval));
        }

        if (this.MaxMessagesPerEpisode < 1)
        {
            throw new ArgumentException("The messages per episode must be positive.", nameof(this.MaxMessagesPerEpisode));
        }
    }
}
