namespace Durable.Core.Diagnostics;

/// <summary>
/// A store that can say whether it is usable now: reachable and able to take a write. Readiness checks call it; a store
/// that has stopped itself (say, after a failed fsync) must fail the probe, naming why.
/// </summary>
public interface IStoreHealthProbe
{
    /// <summary>
    /// Completes when the store is reachable and would accept a write now; changes nothing stored. Throws (typically
    /// <see cref="Storage.StoreUnavailableException"/>) with a message saying what is wrong otherwise.
    /// </summary>
    /// <param name="cancellationToken">Cancels the probe.</param>
    Task ProbeAsync(CancellationToken cancellationToken);
}
