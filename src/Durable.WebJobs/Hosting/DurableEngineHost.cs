using Durable.Core;
using Durable.Core.Client;
using Durable.Core.Diagnostics;
using Durable.Core.Storage;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Durable.WebJobs.Hosting;

/// <summary>
/// Owns the durable engine for the JobHost's lifetime: started by the first Durable trigger listener (or the first
/// client call, for apps with only client functions) and stopped with the listeners, as Durable Functions starts
/// and stops its task hub worker.
/// </summary>
internal sealed class DurableEngineHost : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly DurableEngine engine;
    private readonly DurableTelemetry telemetry;
    private readonly ILogger logger;
    private int state; // 0 new, 1 started, 2 stopped
    private Exception? startFailure;

    public DurableEngineHost(
        IOrchestrationStore store,
        DurableFunctionRegistry registry,
        IOptions<DurableTaskOptions> options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        IEnumerable<IOrchestrationObserver> observers)
    {
        this.Options = options.Value;
        this.telemetry = new DurableTelemetry(observers);
        this.engine = new DurableEngine(store, registry, registry, this.Options.ToEngineOptions(), timeProvider, loggerFactory, this.telemetry);
        this.logger = loggerFactory.CreateLogger("Durable.WebJobs");
    }

    /// <summary>The extension's settings.</summary>
    public DurableTaskOptions Options { get; }

    /// <summary>Null while the engine runs; otherwise why it does not (not started yet, failed to start, stopped).</summary>
    public string? NotRunningReason =>
        this.startFailure is { } failure ? $"The durable engine failed to start ({failure.GetType().Name}: {failure.Message})."
        : Volatile.Read(ref this.state) switch
        {
            0 => "The durable engine has not started yet.",
            2 => "The durable engine was stopped.",
            _ => this.engine.IsRunning ? null : "The durable engine's dispatchers have stopped.",
        };

    /// <summary>The engine's client, once the store is initialized.</summary>
    public async Task<DurableClient> GetClientAsync(CancellationToken cancellationToken)
    {
        await this.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return this.engine.Client;
    }

    /// <summary>Initializes the store and starts the dispatchers, once.</summary>
    /// <remarks>
    /// A failed start is final for this host: the first caller (the first listener) gets the cause itself; every later
    /// caller (the other listeners, client calls) gets one line naming it, not a second attempt (the store was just
    /// found unusable) nor the cause's stack trace again.
    /// </remarks>
    public async Task EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref this.state) == 1)
        {
            return;
        }

        await this.gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (this.startFailure is { } failure)
            {
                throw new InvalidOperationException(
                    $"The durable engine for task hub '{this.Options.HubName}' failed to start ({failure.GetType().Name}: {failure.Message}); " +
                    "fix the cause and restart the host.");
            }

            if (this.state == 0)
            {
                try
                {
                    await this.engine.StartAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Not logged here: the caller (WebJobs, for a listener) reports it, with its stack trace, once.
                    this.startFailure = ex;
                    throw;
                }

                Volatile.Write(ref this.state, 1);
                Logs.EngineStarted(this.logger, this.Options.HubName);
            }
        }
        finally
        {
            this.gate.Release();
        }
    }

    /// <summary>Stops the dispatchers, letting work in flight finish (the engine's shutdown timeout bounds it).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await this.gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (this.state == 1)
            {
                Volatile.Write(ref this.state, 2);
                await this.engine.StopAsync(cancellationToken).ConfigureAwait(false);
                Logs.EngineStopped(this.logger, this.Options.HubName);
            }
        }
        finally
        {
            this.gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await this.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await this.engine.DisposeAsync().ConfigureAwait(false);
        this.telemetry.Dispose();
        this.gate.Dispose();
    }
}
