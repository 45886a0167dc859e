using System.Text.RegularExpressions;

namespace Durable.Postgres;

/// <summary>Settings of the PostgreSQL store, validated when the store is constructed.</summary>
public sealed partial class PostgresStoreOptions
{
    /// <summary>The Npgsql connection string (<c>Host=…;Port=…;Database=…;Username=…;Password=…</c>).</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Task hub: instances of different hubs in one database never see each other.</summary>
    public string HubName { get; set; } = "TestHubName";

    /// <summary>
    /// The PostgreSQL schema holding the store's tables (created when missing). Lower-case letters, digits and
    /// underscores; default <c>durable</c>. Hubs share one schema; a separate schema is a separate store.
    /// </summary>
    public string SchemaName { get; set; } = "durable";

    /// <summary>
    /// How long one call keeps retrying while the server is unreachable (connection refused or lost, server
    /// restarting, too many connections) before it reports <see cref="Durable.Core.Storage.StoreUnavailableException"/>.
    /// At least 100 ms; default 15 s.
    /// </summary>
    public TimeSpan RetryTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often the LISTEN connection is checked (and re-opened after a loss) when no notification arrives.
    /// At least 1 s; default 30 s. Work written while it was down is found by the dispatchers' polling fallback.
    /// </summary>
    public TimeSpan ListenKeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(this.ConnectionString))
        {
            throw new ArgumentException("PostgresStoreOptions.ConnectionString must not be empty.", nameof(this.ConnectionString));
        }

        _ = PostgresDatabase.Parse(this.ConnectionString);
        if (string.IsNullOrWhiteSpace(this.HubName))
        {
            throw new ArgumentException("PostgresStoreOptions.HubName must not be empty.", nameof(this.HubName));
        }

        if (!SchemaPattern().IsMatch(this.SchemaName))
        {
            throw new ArgumentException(
                $"PostgresStoreOptions.SchemaName '{this.SchemaName}' must be 1-50 lower-case letters, digits or underscores, starting with a letter or underscore.",
                nameof(this.SchemaName));
        }

        if (this.RetryTimeout < TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentException($"PostgresStoreOptions.RetryTimeout must be at least 100 ms (was {this.RetryTimeout}).", nameof(this.RetryTimeout));
        }

        if (this.ListenKeepAlive < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"PostgresStoreOptions.ListenKeepAlive must be at least 1 s (was {this.ListenKeepAlive}).", nameof(this.ListenKeepAlive));
        }
    }

    // The schema name is spliced into SQL text (identifiers cannot be parameters): only this shape is accepted.
    [GeneratedRegex("^[a-z_][a-z0-9_]{0,49}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaPattern();
}
