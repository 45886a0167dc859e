using Durable.Core.History;

namespace Durable.Core.Storage;

/// <summary>
/// A leased instance: its row, its whole history and the visible inbox rows taken with it. Only this lease may commit:
/// a commit after it was lost (expired, or taken again, even by the same owner) fails with <see cref="LeaseLostException"/>.
/// </summary>
public sealed class OrchestrationWorkItem
{
    /// <summary>Creates a work item (stores call this).</summary>
    public OrchestrationWorkItem(
        InstanceRecord instance,
        IReadOnlyList<HistoryEvent> history,
        IReadOnlyList<OrchestrationMessage> messages,
        string owner,
        long leaseToken,
        DateTimeOffset leaseExpiration)
    {
        this.Instance = instance;
        this.History = history;
        this.Messages = messages;
        this.Owner = owner;
        this.LeaseToken = leaseToken;
        this.LeaseExpiration = leaseExpiration;
    }

    /// <summary>The instance row as it was when leased.</summary>
    public InstanceRecord Instance { get; }

    /// <summary>The current execution's history in order.</summary>
    public IReadOnlyList<HistoryEvent> History { get; }

    /// <summary>The leased inbox rows in the order they became visible (visible time, then sequence).</summary>
    public IReadOnlyList<OrchestrationMessage> Messages { get; }

    /// <summary>Lease owner (machine, process and a random part): who holds the lease.</summary>
    public string Owner { get; }

    /// <summary>
    /// The fencing token of this one lease (<see cref="LeaseTokens.New"/>), written when the lease was taken: commit, renew
    /// and abandon act only while the stored lease still carries it, so an older lease of the same owner is refused.
    /// </summary>
    public long LeaseToken { get; }

    /// <summary>When the lease lapses unless renewed; updated by renewals.</summary>
    public DateTimeOffset LeaseExpiration { get; set; }

    /// <summary>
    /// The history once <paramref name="commit"/> of this episode is stored: appended to, or replaced when the episode
    /// began a new execution (continue-as-new, rewind). What a store hands on with the next lease it takes in that commit.
    /// </summary>
    public IReadOnlyList<HistoryEvent> HistoryAfter(OrchestrationCommit commit) =>
        commit.ExecutionId != this.Instance.ExecutionId ? commit.NewHistory : [.. this.History, .. commit.NewHistory];

    /// <summary>
    /// Whether, when this lease was taken, another instance could have been leased too (see
    /// <see cref="IOrchestrationStore.LeaseOrchestrationAsync(string, TimeSpan, int, IReadOnlySet{string}, CancellationToken)"/>).
    /// A dispatcher leases again at once only when true; otherwise it waits for a notification, which anything written
    /// later brings. True unless the store looked and saw none.
    /// </summary>
    public bool MoreWorkVisible { get; init; } = true;
}
