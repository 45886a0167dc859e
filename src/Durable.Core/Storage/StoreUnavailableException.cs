namespace Durable.Core.Storage;

/// <summary>
/// The store cannot take the request now (locked too long, disk full, read-only, I/O error). Nothing of the
/// failed call was written, unless <see cref="OutcomeUnknown"/> says otherwise; the caller may retry later (HTTP 503
/// with Retry-After).
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// True when the call may have been written after all: the connection broke while the server was committing. The
    /// store itself keeps running (unlike <see cref="StoreFailedException"/>); a client must check before retrying.
    /// </summary>
    public bool OutcomeUnknown { get; init; }
}
