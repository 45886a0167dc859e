namespace Durable.Core.Storage;

/// <summary>Which instances a bulk purge deletes. Only terminal instances are ever purged.</summary>
/// <param name="CreatedFrom">Created at or after.</param>
/// <param name="CreatedTo">Created at or before; null = no upper bound.</param>
/// <param name="Statuses">Terminal statuses to purge; null or empty = all terminal ones.</param>
public sealed record PurgeFilter(
    DateTimeOffset CreatedFrom,
    DateTimeOffset? CreatedTo = null,
    IReadOnlyCollection<OrchestrationStatus>? Statuses = null);
