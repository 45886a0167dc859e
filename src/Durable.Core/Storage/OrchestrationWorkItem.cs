using Durable.Core.History;

namespace Durable.Core.Storage;

/// <summary>
/// A leased instance: its row, its whole history and the visible inbox rows taken with it. Only the lease
/// owner may commit; a commit after the lease was lost fails with <see cref="LeaseLostException"/>.
/// </summary>
public sealed class OrchestrationWorkItem
{
    /// <summary>Creates a work item (stores call this).</summary>
    public OrchestrationWorkItem(
        InstanceRecord instance,
        IReadOnlyList<HistoryEvent> history,
        IReadOnlyList<OrchestrationMessage> messages,
        string owner,
        DateTimeOffset leaseExpiration)
    {
        this.Instance = instance;
        this.History = history;
        this.Messages = messages;
        this.Owner = owner;
        this.LeaseExpiration = leaseExpiration;
    }

    /// <summary>The instance row as it was when leased.</summary>
    public InstanceRecord Instance { get; }

    /// <summary>The current execution's history in order.</summary>
    public IReadOnlyList<HistoryEvent> History { get; }

    /// <summary>The leased inbox rows in the order they became visible (visible time, then sequence).</summary>
    public IReadOnlyList<OrchestrationMessage> Messages { get; }

    /// <summary>Lease owner (host + process + random part): the fencing token.</summary>
    public string Owner { get; }

    /// <summary>When the lease lapses unless renewed; updated by renewals.</summary>
    public DateTimeOffset LeaseExpiration { get; set; }
}
