namespace Durable.Core.Client;

/// <summary>One page of a status listing.</summary>
/// <param name="Instances">The statuses.</param>
/// <param name="ContinuationToken">Token for the next page, or null when there is none.</param>
public sealed record OrchestrationMetadataPage(IReadOnlyList<OrchestrationMetadata> Instances, string? ContinuationToken);
