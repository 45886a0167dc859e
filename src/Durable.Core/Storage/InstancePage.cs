namespace Durable.Core.Storage;

/// <summary>One page of a listing.</summary>
/// <param name="Instances">The rows.</param>
/// <param name="ContinuationToken">Opaque token for the next page; null when there are no more rows.</param>
public sealed record InstancePage(IReadOnlyList<InstanceRecord> Instances, string? ContinuationToken);
