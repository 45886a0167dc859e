namespace Durable.Core.Storage;

/// <summary>
/// Filter and page for listing instances. Results are ordered by created time, then id (ordinal): ascending unless
/// <see cref="Descending"/>.
/// </summary>
public sealed record InstanceQuery
{
    /// <summary>Only these statuses; null or empty = all.</summary>
    public IReadOnlyCollection<OrchestrationStatus>? Statuses { get; init; }

    /// <summary>Created at or after this time.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Created at or before this time.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Only ids starting with this text (ordinal).</summary>
    public string? InstanceIdPrefix { get; init; }

    /// <summary>Maximum rows per page (≥ 1).</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>
    /// Newest first: created time, then id, both descending. A continuation token carries its order, so a token from
    /// one order is refused by a query in the other.
    /// </summary>
    public bool Descending { get; init; }

    /// <summary>Token from the previous page, or null for the first page.</summary>
    public string? ContinuationToken { get; init; }
}
