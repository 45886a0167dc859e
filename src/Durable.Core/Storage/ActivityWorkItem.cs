namespace Durable.Core.Storage;

/// <summary>A leased activity task.</summary>
public sealed class ActivityWorkItem
{
    /// <summary>Creates a work item (stores call this).</summary>
    public ActivityWorkItem(
        long sequenceNumber,
        NewActivityTask task,
        int dequeueCount,
        string owner,
        long leaseToken,
        DateTimeOffset leaseExpiration)
    {
        this.SequenceNumber = sequenceNumber;
        this.Task = task;
        this.DequeueCount = dequeueCount;
        this.Owner = owner;
        this.LeaseToken = leaseToken;
        this.LeaseExpiration = leaseExpiration;
    }

    /// <summary>Store-assigned id of the task row.</summary>
    public long SequenceNumber { get; }

    /// <summary>What to run.</summary>
    public NewActivityTask Task { get; }

    /// <summary>How many times the task has been leased, this lease included (1 on the first attempt).</summary>
    public int DequeueCount { get; }

    /// <summary>Lease owner: who holds the lease.</summary>
    public string Owner { get; }

    /// <summary>The fencing token of this one lease (see <see cref="OrchestrationWorkItem.LeaseToken"/>).</summary>
    public long LeaseToken { get; }

    /// <summary>When the lease lapses unless renewed; updated by renewals.</summary>
    public DateTimeOffset LeaseExpiration { get; set; }

    /// <summary>
    /// Whether, when this lease was taken, another task could have been leased too (see
    /// <see cref="OrchestrationWorkItem.MoreWorkVisible"/>). True unless the store looked and saw none.
    /// </summary>
    public bool MoreWorkVisible { get; init; } = true;
}
