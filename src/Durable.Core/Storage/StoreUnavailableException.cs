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

    /// <summary>
    /// With <see cref="OutcomeUnknown"/>, for a call that would also have leased an instance to its caller (a leased
    /// start or event, a commit that leases again): the token of that lease, which may now hold the instance although
    /// its owner never got the work item. The owner hands it back with
    /// <see cref="IOrchestrationStore.ReleaseOrchestrationLeaseAsync"/> rather than leave the instance to wait out the
    /// lease. Null otherwise.
    /// </summary>
    public long? LeaseToken { get; init; }

    /// <summary>This exception, for a call whose unknown outcome may include the lease <paramref name="token"/>.</summary>
    public StoreUnavailableException WithLeaseToken(long token) =>
        this.OutcomeUnknown ? new(this.Message, this.InnerException) { OutcomeUnknown = true, LeaseToken = token } : this;
}
