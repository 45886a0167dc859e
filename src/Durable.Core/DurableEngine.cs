using Durable.Core.Client;
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
    private readonly IOrchestrationStore store;
    private readonly DurableEngineOptions options;
    private readonly EngineSignals signals = new();
    private readonly WorkDispatcher<OrchestrationWorkItem> orchestrationDispatcher;
    private readonly WorkDispatcher<ActivityWorkItem> activityDispatcher;
    private readonly CancellationTokenSource stopLeasing = new();
    private readonly CancellationTokenSource abortWork = new();
    private readonly string owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private Task running = Task.CompletedTask;
    private int state; // 0 new, 1 started, 2 stopped

    /// <summary>Builds the engine; call <see cref="StartAsync"/> to begin processing.</summary>
    public DurableEngine(
        IOrchestrationStore store,
        IOrchestratorInvoker orchestrators,
        IActivityInvoker activities,
        DurableEngineOptions options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(orchestrators);
        ArgumentNullException.ThrowIfNull(activities);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.store = store;
        this.options = options;
        this.Client = new DurableClient(options.HubName, store, orchestrators, timeProvider, this.signals);

        ILogger logger = loggerFactory.CreateLogger("Durable.Core");
        OrchestrationProcessor orchestrationProcessor = new(store, orchestrators, options, timeProvider, this.signals, logger);
        ActivityProcessor activityProcessor = new(store, activities, options, timeProvider, this.signals, logger);
        this.orchestrationDispatcher = new WorkDispatcher<OrchestrationWorkItem>(
            "Orchestration",
            options.MaxConcurrentOrchestratorFunctions,
            ct => store.LeaseOrchestrationAsync(this.owner, options.LeaseDuration, options.MaxMessagesPerEpisode, ct),
            orchestrationProcessor.ProcessAsync,
            store.GetNextWakeUpTimeAsync,
            this.signals.Orchestrations,
            timeProvider,
            options.MaxPollingInterval,
            logger);
        this.activityDispatcher = new WorkDispatcher<ActivityWorkItem>(
            "Activity",
            options.MaxConcurrentActivityFunctions,
            ct => store.LeaseActivityAsync(this.owner, options.LeaseDuration, ct),
            activityProcessor.ProcessAsync,
            store.GetNextWakeUpTimeAsync,
            this.signals.Activities,
            timeProvider,
            options.MaxPollingInterval,
            logger);
    }

    /// <summary>The client for this engine's task hub.</summary>
    public DurableClient Client { get; }

    /// <summary>Initializes the store and starts both dispatchers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref this.state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The engine was already started.");
        }

        await this.store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        this.running = Task.WhenAll(
            Task.Run(() => this.orchestrationDispatcher.RunAsync(this.stopLeasing.Token, this.abortWork.Token), CancellationToken.None),
            Task.Run(() => this.activityDispatcher.RunAsync(this.stopLeasing.Token, this.abortWork.Token), CancellationToken.None));
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
        Task finished = await Task.WhenAny(this.running, Task.Delay(this.options.ShutdownTimeout, cancellationToken)).ConfigureAwait(false);
        if (finished != this.running)
        {
            this.abortWork.Cancel();
        }

        await this.running.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await this.StopAsync(CancellationToken.None).ConfigureAwait(false);
        this.stopLeasing.Dispose();
        this.abortWork.Dispose();
    }
}
