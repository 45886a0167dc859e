using Durable.Core.Diagnostics;
using Durable.Core.Storage;
using Microsoft.Extensions.Logging;
using SpanContext = System.Diagnostics.ActivityContext;

namespace Durable.Core.Dispatch;

/// <summary>
/// The one commit-or-abandon path of a leased work item, shared by orchestrations and activities (after
/// durabletask-go's <c>TaskProcessor</c>): process it under a renewed lease, then complete it, riding out a store
/// outage while the lease lives; drop the result once the lease is lost or lapsed; hand the item back with a retry
/// delay when processing or completing fails; give up (park) on an item whose earlier attempts never committed.
/// Subclasses say only what is theirs: how to process, and which store calls complete, renew and abandon.
/// </summary>
/// <typeparam name="TWorkItem">The leased item.</typeparam>
/// <typeparam name="TResult">What completing it stores.</typeparam>
internal abstract class WorkItemProcessor<TWorkItem, TResult>
    where TWorkItem : class
    where TResult : class
{
    /// <summary>How long a failed item waits before it may be leased again (shutdown hands it back at once).</summary>
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly string kind;

    /// <summary>Creates the shared part; <paramref name="kind"/> ("orchestration" or "activity") is named in logs and metrics.</summary>
    protected WorkItemProcessor(string kind, DurableEngineOptions options, TimeProvider time, ILogger logger, DurableTelemetry telemetry)
    {
        this.kind = kind;
        this.Options = options;
        this.Time = time;
        this.Logger = logger;
        this.Telemetry = telemetry;
    }

    protected DurableEngineOptions Options { get; }

    protected TimeProvider Time { get; }

    protected ILogger Logger { get; }

    protected DurableTelemetry Telemetry { get; }

    /// <summary>
    /// Runs one leased item to its end: committed, dropped with its lost lease, or handed back for a retry. Returns the
    /// next item of the same key when the commit leased it too (<see cref="CompleteAsync"/>), for the caller to run next.
    /// </summary>
    public async Task<TWorkItem?> ProcessAsync(TWorkItem workItem, CancellationToken cancellationToken)
    {
        string instanceId = this.InstanceIdOf(workItem);
        SpanContext parent = await this.FindTraceParentAsync(workItem, cancellationToken).ConfigureAwait(false);

        // Opened here, not in an async method: the span it makes current stays current while the work runs.
        using IWorkItemScope<TResult> scope = this.StartScope(workItem, parent);

        // Every lease counts, this one included: a count past the cap means earlier attempts never committed (their
        // process died, they lost the lease, or they kept failing to run).
        int attempts = this.AttemptsOf(workItem);
        bool canPark = this.CanPark(workItem);
        TResult result;
        if (attempts > this.Options.MaxDequeueCount && canPark)
        {
            // Don't run it again: if it crashes the process, it would take the host down once more.
            result = this.Park(workItem, attempts - 1, lastError: null);
        }
        else
        {
            await using (LeaseRenewal.Start(
                ct => this.RenewLeaseAsync(workItem, ct),
                this.Options.LeaseDuration,
                this.Time,
                e => Logs.RenewFailed(this.Logger, this.kind, instanceId, e)))
            {
                try
                {
                    result = await this.RunAsync(workItem, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && attempts >= this.Options.MaxDequeueCount && canPark)
                {
                    result = this.Park(workItem, attempts, ex);
                }
                catch (Exception ex)
                {
                    // Shutdown hands the item back for immediate pickup; a failure to run waits a little first.
                    TimeSpan retryDelay = cancellationToken.IsCancellationRequested ? TimeSpan.Zero : RetryDelay;
                    this.LogAbandoned(workItem, retryDelay, ex);
                    await this.TryAbandonAsync(workItem, instanceId, retryDelay).ConfigureAwait(false);
                    return null;
                }
            }
        }

        scope.CommitStarting(result);
        TWorkItem? next = null;
        try
        {
            await StoreOutage.WriteAsync(
                async () => next = await this.CompleteAsync(workItem, result).ConfigureAwait(false),
                ct => this.RenewLeaseAsync(workItem, ct),
                () => this.LeaseExpirationOf(workItem),
                this.Options,
                this.Time,
                (delay, ex) => Logs.CommitDeferred(this.Logger, this.kind, instanceId, delay.TotalMilliseconds, ex),
                e => Logs.RenewFailed(this.Logger, this.kind, instanceId, e),
                cancellationToken).ConfigureAwait(false);
        }
        catch (LeaseLostException)
        {
            scope.LeaseLost();
            Logs.LeaseLost(this.Logger, this.kind, instanceId);
            this.OnLeaseLost(workItem);
            return null;
        }
        catch (Exception ex)
        {
            // A failure other than an outage, or an outage still on at shutdown: nothing was written. Hand the item
            // back instead of holding it until the lease expires; the next attempt does the work again.
            TimeSpan retryDelay = cancellationToken.IsCancellationRequested ? TimeSpan.Zero : RetryDelay;
            Logs.CommitFailed(this.Logger, this.kind, instanceId, retryDelay.TotalMilliseconds, ex);
            await this.TryAbandonAsync(workItem, instanceId, retryDelay).ConfigureAwait(false);
            return null;
        }

        scope.Committed(result);
        this.OnCommitted(workItem, result);
        return next;
    }

    /// <summary>The orchestration instance the item belongs to (named in logs).</summary>
    protected abstract string InstanceIdOf(TWorkItem workItem);

    /// <summary>The function the item runs (named in logs).</summary>
    protected abstract string NameOf(TWorkItem workItem);

    /// <summary>How many times the item has been leased, this lease included.</summary>
    protected abstract int AttemptsOf(TWorkItem workItem);

    /// <summary>When the item's lease lapses unless renewed.</summary>
    protected abstract DateTimeOffset LeaseExpirationOf(TWorkItem workItem);

    /// <summary>Whether the item may be given up on (parked) once its attempts run out.</summary>
    protected virtual bool CanPark(TWorkItem workItem) => true;

    /// <summary>The trace the item's span joins when the item does not carry it (default: none looked up).</summary>
    protected virtual ValueTask<SpanContext> FindTraceParentAsync(TWorkItem workItem, CancellationToken cancellationToken) => default;

    /// <summary>Opens the item's span (current from then on) and clock, under <paramref name="parent"/> if it has no trace of its own.</summary>
    protected abstract IWorkItemScope<TResult> StartScope(TWorkItem workItem, SpanContext parent);

    /// <summary>Does the work: what to store. Throws when the work could not be done (the item is handed back).</summary>
    protected abstract Task<TResult> RunAsync(TWorkItem workItem, CancellationToken cancellationToken);

    /// <summary>The result that gives up on the item, stored instead of running it again.</summary>
    protected abstract TResult GiveUp(TWorkItem workItem, int failedAttempts, Exception? lastError);

    /// <summary>
    /// Stores the result and ends the lease, or throws <see cref="LeaseLostException"/> when the lease is not this one's
    /// any more. May lease the item's next work in the same write and return it (null: none).
    /// </summary>
    protected abstract Task<TWorkItem?> CompleteAsync(TWorkItem workItem, TResult result);

    /// <summary>Extends the lease; false when it was lost.</summary>
    protected abstract Task<bool> RenewLeaseAsync(TWorkItem workItem, CancellationToken cancellationToken);

    /// <summary>Hands the item back, visible again after <paramref name="retryDelay"/>.</summary>
    protected abstract Task AbandonAsync(TWorkItem workItem, TimeSpan retryDelay);

    /// <summary>Tells whoever waits that the result is stored.</summary>
    protected abstract void OnCommitted(TWorkItem workItem, TResult result);

    /// <summary>After a commit found the lease gone: nothing was written, and the work is still there for the next lease.</summary>
    protected virtual void OnLeaseLost(TWorkItem workItem)
    {
    }

    /// <summary>Says that the item failed to run and is handed back.</summary>
    protected virtual void LogAbandoned(TWorkItem workItem, TimeSpan retryDelay, Exception error) =>
        Logs.WorkItemAbandoned(this.Logger, this.kind, this.InstanceIdOf(workItem), retryDelay.TotalMilliseconds, error);

    private TResult Park(TWorkItem workItem, int failedAttempts, Exception? lastError)
    {
        Logs.WorkItemParked(this.Logger, this.kind, this.NameOf(workItem), this.InstanceIdOf(workItem), failedAttempts);
        this.Telemetry.RecordParked(this.kind);
        return this.GiveUp(workItem, failedAttempts, lastError);
    }

    private async Task TryAbandonAsync(TWorkItem workItem, string instanceId, TimeSpan retryDelay)
    {
        try
        {
            await this.AbandonAsync(workItem, retryDelay).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The lease then simply expires.
            Logs.ReleaseFailed(this.Logger, this.kind, instanceId, ex);
        }
    }
}
