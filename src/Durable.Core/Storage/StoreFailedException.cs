namespace Durable.Core.Storage;

/// <summary>
/// The store has stopped for good after a failure that leaves the outcome of this call unknown: it may or may not have
/// been written (a write-ahead log that could not be synced to disk holds commits readers already saw, which a power
/// loss would drop). The store acknowledges nothing more; the host must restart (HTTP 503 saying the outcome is unknown,
/// unlike <see cref="StoreUnavailableException"/>, whose call wrote nothing).
/// </summary>
public sealed class StoreFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreFailedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
