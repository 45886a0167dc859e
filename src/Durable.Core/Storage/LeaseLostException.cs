namespace Durable.Core.Storage;

/// <summary>
/// A work item's lease expired and was taken (or the item was deleted) before its owner committed. The
/// owner's writes were discarded; the new owner redoes the work.
/// </summary>
public sealed class LeaseLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LeaseLostException(string message)
        : base(message)
    {
    }
}
