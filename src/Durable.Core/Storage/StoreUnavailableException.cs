namespace Durable.Core.Storage;

/// <summary>
/// The store cannot take the request now (locked too long, disk full, read-only, I/O error). Nothing of the
/// failed call was written; the caller may retry later (HTTP 503 with Retry-After).
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
