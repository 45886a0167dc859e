namespace Durable.Core.Storage;

/// <summary>
/// Implemented by a store that can stop for good (fail-stop): then every call fails with <see cref="StoreFailedException"/>
/// and only a restart, on fresh file handles, can go on. The engine stops taking work and the host exits when it fires.
/// </summary>
public interface IStoreFailureNotifier
{
    /// <summary>Completes, with the failure, when the store has stopped; never completes while the store works.</summary>
    Task<StoreFailedException> Failed { get; }
}
