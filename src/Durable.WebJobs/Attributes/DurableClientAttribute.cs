using Microsoft.Azure.WebJobs.Description;

namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>Binds an <see cref="IDurableOrchestrationClient"/> or <see cref="IDurableClient"/> parameter.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
[Binding]
public sealed class DurableClientAttribute : Attribute, IEquatable<DurableClientAttribute>
{
    /// <summary>Gets or sets the task hub; null means the configured one (the only one this runtime serves).</summary>
    [AutoResolve]
    public string? TaskHub { get; set; }

    /// <summary>Gets or sets the name of the connection setting (kept for parity; shown in management links).</summary>
    public string? ConnectionName { get; set; }

    /// <summary>Gets or sets whether the client is used outside a function app (kept for parity; ignored).</summary>
    public bool ExternalClient { get; set; }

    /// <inheritdoc/>
    public bool Equals(DurableClientAttribute? other) =>
        other is not null
        && string.Equals(this.TaskHub, other.TaskHub, StringComparison.OrdinalIgnoreCase)
        && string.Equals(this.ConnectionName, other.ConnectionName, StringComparison.OrdinalIgnoreCase)
        && this.ExternalClient == other.ExternalClient;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => this.Equals(obj as DurableClientAttribute);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(
        this.TaskHub is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(this.TaskHub),
        this.ConnectionName is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(this.ConnectionName),
        this.ExternalClient);
}
