using Microsoft.Extensions.Configuration;

namespace FunctionsHost.Configuration;

/// <summary>
/// Finds the PostgreSQL connection string host.json points at: <c>storageProvider.connectionStringName</c> names an
/// app setting (environment variable or local.settings.json <c>Values</c>) or, as in Azure Functions, an entry of
/// <c>ConnectionStrings</c>. Errors name the setting, never its value (it may hold a password).
/// </summary>
internal static class PostgresConnectionSetting
{
    private const string Path = "host.json extensions.durableTask.storageProvider.connectionStringName";

    /// <summary>The connection string; <see cref="InvalidOperationException"/> when the name or the setting is missing.</summary>
    public static string Resolve(IConfiguration configuration, string? connectionStringName)
    {
        if (string.IsNullOrWhiteSpace(connectionStringName))
        {
            throw new InvalidOperationException(
                $"{Path} must name the app setting that holds the Npgsql connection string when storageProvider.type is 'postgres'.");
        }

        string name = connectionStringName.Trim();
        string? value = configuration[name] is { Length: > 0 } setting ? setting : configuration.GetConnectionString(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"The app setting '{name}' named by {Path} is not set: set it (environment variable or local.settings.json Values) " +
                "to an Npgsql connection string such as 'Host=localhost;Port=5432;Database=durable;Username=durable;Password=...'.");
        }

        return value;
    }
}
