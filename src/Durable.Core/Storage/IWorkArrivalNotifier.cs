namespace Durable.Core.Storage;

/// <summary>
/// Optional for a store: tells the engine when work was written, possibly by another process sharing the store,
/// so idle dispatchers wake at once instead of at their next poll. Stores without it rely on the in-process
/// signals and the polling fallback, whose cap is then shorter (<see cref="DurableEngineOptions.MaxPollingInterval"/>).
/// </summary>
public interface IWorkArrivalNotifier
{
    /// <summary>
    /// Calls <paramref name="orchestrationWork"/> when inbox rows (new instances, events, results, timers) may have
    /// arrived for this store's hub and <paramref name="activityWork"/> when activity tasks may have; both may be
    /// called spuriously and from any thread, and must return quickly. Dispose the result to stop.
    /// </summary>
    IDisposable SubscribeToWorkArrival(Action orchestrationWork, Action activityWork);
}
