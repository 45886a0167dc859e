using Durable.Core.Client;
using Durable.Core.Diagnostics;
using Durable.Core.Dispatch;
using Durable.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Durable.Core;

/// <summary>
/// The durable runtime of one host: an orchestration dispatcher and an activity dispatcher over one store,
/// plus the client. Idle instances live only in the store; the engine holds no per-instance memory.
/// </summary>
public sealed class DurableEngine : IAsyncDisposable
{
    private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(5);
    private readonly IOrchestrationStore store;
    private readonly DurableEngineOptions options;
    private readonly EngineSignals signals = new();
    private readonly WorkDispatcher<OrchestrationWorkItem> orchestrationDispatcher;
    private readonly WorkDispatcher<ActivityWorkItem> activityDispatcher;
    private readonly CancellationTokenSource stopLeasing = new();
    private readonly CancellationTokenSource abortWork = new();
    private readonly string owner = LeaseOwnerId.New();
    private IDisposable? workArrival;
    private readonly ILogger logger;
    private readonly DurableTelemetry telemetry;
    private readonly bool ownsTelemetry;
    private Task running = Task.CompletedTask;
    private int state; // 0 new, 1 started, 2 stopped

    /// <summary>Builds the engine; call <see cref="StartAsync"/> to begin processing.</summary>
    public DurableEngine(
        IOrchestrationStore store,
        IOrchestratorInvoker orchestrators,
        IActivityInvoker activities,
        DurableEngineOptions options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        DurableTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(orchestrators);
        ArgumentNullException.ThrowIfNull(activities);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.store = store;
        this.options = options;
        this.ownsTelemetry = telemetry is null;
        this.telemetry = telemetry ?? new DurableTelemetry();

        ILogger logger = loggerFactory.CreateLogger("Durable.Core");
        this.logger = logger;
        TimeSpan pollingCap = options.MaxPollingInterval
            ?? (store is IWorkArrivalNotifier ? DurableEngineOptions.DefaultMaxPollingIntervalWithNotifications : DurableEngineOptions.DefaultMaxPollingInterval);
        SemaphoreSlim activitySlots = new(options.MaxConcurrentActivityFunctions, options.MaxConcurrentActivityFunctions);
        ActivityRunner activityRunner = new(activities, timeProvider, logger);
        InlineActivities? inlineActivities = options.InlineActivities ? new InlineActivities(activityRunner, activitySlots, this.telemetry) : null;
        UnknownLeases unknownLeases = new(store, this.signals.Orchestrations, this.owner, options.LeaseDuration, timeProvider, logger, this.stopLeasing.Token);
        RestingInstances? resting = options.OneWriteEvents ? new(RestingInstances.DefaultCapacity, RestingInstances.DefaultMaxBytes) : null;
        OrchestrationProcessor orchestrationProcessor = new(store, orchestrators, inlineActivities, resting, options, pollingCap, timeProvider, this.signals, unknownLeases, logger, this.telemetry);
        ActivityProcessor activityProcessor = new(store, activityRunner, options, timeProvider, this.signals, logger, this.telemetry);
        this.orchestrationDispatcher = new WorkDispatcher<OrchestrationWorkItem>(
            "Orchestration",
            new SemaphoreSlim(options.MaxConcurrentOrchestratorFunctions, options.MaxConcurrentOrchestratorFunctions),
            (running, ct) => store.LeaseOrchestrationAsync(this.owner, options.LeaseDuration, options.MaxMessagesPerEpisode, running, ct),
            item => item.Instance.InstanceId,
            orchestrationProcessor.ProcessAsync,
            store.GetNextWakeUpTimeAsync,
            this.signals.Orchestrations,
            timeProvider,
            new PollingBackoff(options.MinPollingInterval, pollingCap),
            logger,
            moreWorkVisible: item => item.MoreWorkVisible);
        EagerLeases eager = new(store, this.orchestrationDispatcher, orchestrationProcessor, resting, this.signals.Orchestrations, this.owner, options.LeaseDuration, options.MaxMessagesPerEpisode, unknownLeases);
        this.Client = new DurableClient(options.HubName, store, orchestrators, timeProvider, this.signals, this.telemetry, eager.CreateAsync, eager.RaiseAsync);
        this.activityDispatcher = new WorkDispatcher<ActivityWorkItem>(
            "Activity",
            activitySlots,
            (_, ct) => store.LeaseActivityAsync(this.owner, options.LeaseDuration, ct),

            // A task whose lease lapsed while it ran may be leased again: activities are at-least-once, and the
            // older run's result is refused by its lease token.
            _ => null,
            activityProcessor.ProcessAsync,
            store.GetNextWakeUpTimeAsync,
            this.signals.Activities,
            timeProvider,
            new PollingBackoff(options.MinPollingInterval, pollingCap),
            logger,

            // A running activity holds no other work back, and the one change to the next wake-up it can make, a retry
            // delay, is signalled where it is written (ActivityProcessor.AbandonAsync).
            lookAgainAfterEachItem: false,
            moreWorkVisible: item => item.MoreWorkVisible);
    }

    /// <summary>How many episodes run on this host right now (for tests).</summary>
    internal int EpisodesRunning => this.orchestrationDispatcher.RunningKeys;

    /// <summary>The client for this engine's task hub.</summary>
    public DurableClient Client { get; }

    /// <summary>True from a successful start until a stop, while both dispatchers run (a readiness check reads it).</summary>
    public bool IsRunning => Volatile.Read(ref this.state) == 1 && !this.running.IsCompleted;

    /// <summary>Initializes the store and starts both dispatchers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref this.state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The engine was already started.");
        }

        try
        {
            await this.store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Nothing runs yet: a later call may try again instead of being told the engine was already started.
            Interlocked.CompareExchange(ref this.state, 0, 1);
            throw;
        }

        await this.ReleaseLeasesOfDeadProcessesAsync(cancellationToken).ConfigureAwait(false);

        // Work written by other processes (hosts sharing a PostgreSQL store) wakes the dispatchers at once.
        this.workArrival = (this.store as IWorkArrivalNotifier)?.SubscribeToWorkArrival(this.signals.Orchestrations.Notify, this.signals.Activities.Notify);

        // A store that stopped for good (a failed fsync) refuses every call: stop leasing instead of looping on errors.
        // Work in flight fails its commit and ends; the host logs the failure once and exits (it owns the process).
        if (this.store is IStoreFailureNotifier failing)
        {
            _ = failing.Failed.ContinueWith(_ => this.StopLeasing(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        this.orchestrationDispatcher.Open(this.abortWork.Token);
        this.running = Task.WhenAll(
            Task.Run(() => this.orchestrationDispatcher.RunAsync(this.stopLeasing.Token, this.abortWork.Token), CancellationToken.None),
            Task.Run(() => this.activityDispatcher.RunAsync(this.stopLeasing.Token, this.abortWork.Token), CancellationToken.None));
    }

    /// <summary>
    /// Hands back at once the work a killed process of this machine (an earlier run of this host) still held, so
    /// instances it was processing, and timers that came due meanwhile, do not wait for its leases to expire.
    /// </summary>
    private async Task ReleaseLeasesOfDeadProcessesAsync(CancellationToken cancellationToken)
    {
        try
        {
            int released = await this.store.ReleaseLeasesAsync(LeaseOwnerId.IsGoneFromThisMachine, cancellationToken).ConfigureAwait(false);
            if (released > 0)
            {
                Logs.DeadLeasesReleased(this.logger, released);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not fatal: the leases expire on their own (LeaseDuration) and the work is picked up then.
            Logs.ReleaseDeadLeasesFailed(this.logger, ex);
        }
    }

    /// <summary>
    /// Stops taking work, lets work in flight finish for up to the shutdown timeout, then cancels what is
    /// left; cancelled work is released for immediate pickup by the next host to start.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref this.state, 2) != 1)
        {
            return;
        }

        this.stopLeasing.Cancel();
        this.workArrival?.Dispose();
        Task finished = await Task.WhenAny(this.running, Task.Delay(this.options.ShutdownTimeout, cancellationToken)).ConfigureAwait(false);
        if (finished != this.running)
        {
            this.abortWork.Cancel();

            // Cancelled work hands itself back within moments; work that ignores cancellation is not waited for
            // beyond a short grace, so a stop stays bounded. Its leases are released by the next start on this
            // machine (the process is gone by then) or expire.
            await Task.WhenAny(this.running, Task.Delay(AbortGrace, CancellationToken.None)).ConfigureAwait(false);
            return;
        }

        await this.running.ConfigureAwait(false);
    }

    private void StopLeasing()
    {
        try
        {
            this.stopLeasing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: nothing leases any more.
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await this.StopAsync(CancellationToken.None).ConfigureAwait(false);
        this.stopLeasing.Dispose();
        this.abortWork.Dispose();
        if (this.ownsTelemetry)
        {
            this.telemetry.Dispose();
        }
    }
}
