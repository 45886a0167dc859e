using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace FunctionsHost.Configuration;

/// <summary>
/// The host.json values the host uses, read from configuration under <c>AzureFunctionsJobHost</c> (the file, then any
/// app setting such as <c>AzureFunctionsJobHost__extensions__durableTask__hubName</c>).
/// </summary>
internal sealed class HostSettings
{
    public const string Root = "AzureFunctionsJobHost";
    private const string DurableTask = Root + ":extensions:durableTask";

    /// <summary>The HTTP route prefix (<c>extensions.http.routePrefix</c>, default <c>api</c>).</summary>
    public required string RoutePrefix { get; init; }

    /// <summary>The task hub (<c>extensions.durableTask.hubName</c>, <c>%Setting%</c> resolved, default <c>TestHubName</c>).</summary>
    public required string HubName { get; init; }

    /// <summary><c>storageProvider.type</c>: <c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public required string StorageType { get; init; }

    /// <summary>The SQLite file, absolute (<c>storageProvider.databasePath</c> relative to the app root; default <c>data/durable.db</c>).</summary>
    public required string DatabasePath { get; init; }

    /// <summary><c>storageProvider.connectionStringName</c> (or <c>connectionName</c>): the app setting holding the connection string.</summary>
    public string? ConnectionStringName { get; init; }

    /// <summary>The PostgreSQL connection string that setting holds; set (and required) when the type is <c>postgres</c>.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary><c>maxConcurrentActivityFunctions</c>.</summary>
    public int? MaxConcurrentActivityFunctions { get; init; }

    /// <summary><c>maxConcurrentOrchestratorFunctions</c>.</summary>
    public int? MaxConcurrentOrchestratorFunctions { get; init; }

    /// <summary><c>maxDequeueCount</c>: attempts before a work item is given up on.</summary>
    public int? MaxDequeueCount { get; init; }

    /// <summary><c>inlineActivities</c>: whether an episode runs the activities it schedules itself (default true).</summary>
    public bool? InlineActivities { get; init; }

    /// <summary><c>oneWriteEvents</c>: whether an event for an instance waiting on this host is stored with its episode's commit, in one write (default true).</summary>
    public bool? OneWriteEvents { get; init; }

    /// <summary><c>storageProvider.maxPollingInterval</c> (or <c>maxQueuePollingInterval</c>): the idle fallback poll's cap.</summary>
    public TimeSpan? MaxPollingInterval { get; init; }

    /// <summary>Reads and validates the settings.</summary>
    /// <exception cref="InvalidOperationException">A value is invalid; the message names the host.json path.</exception>
    public static HostSettings Read(IConfiguration configuration, string scriptRoot)
    {
        string version = configuration[Root + ":version"] ?? string.Empty;
        if (version != "2.0")
        {
            throw new InvalidOperationException($"host.json must declare \"version\": \"2.0\" (found '{version}'); this host reads the v2 schema.");
        }

        IConfigurationSection storage = configuration.GetSection(DurableTask + ":storageProvider");
        string type = (storage["type"] ?? "sqlite").Trim();
        if (!type.Equals("sqlite", StringComparison.OrdinalIgnoreCase) && !type.Equals("postgres", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"host.json extensions.durableTask.storageProvider.type '{type}' is not supported; use 'sqlite' or 'postgres'.");
        }

        string databasePath = storage["databasePath"] is { Length: > 0 } path ? path : Path.Combine("data", "durable.db");
        string? connectionStringName = storage["connectionStringName"] ?? storage["connectionName"];
        string? postgresConnectionString = type.Equals("postgres", StringComparison.OrdinalIgnoreCase)
            ? PostgresConnectionSetting.Resolve(configuration, connectionStringName)
            : null;
        return new HostSettings
        {
            RoutePrefix = (configuration[Root + ":extensions:http:routePrefix"] ?? "api").Trim('/'),
            HubName = ResolveHubName(configuration, configuration[DurableTask + ":hubName"]),
            StorageType = type.ToLowerInvariant(),
            DatabasePath = Path.GetFullPath(databasePath, scriptRoot),
            ConnectionStringName = connectionStringName,
            PostgresConnectionString = postgresConnectionString,
            MaxConcurrentActivityFunctions = ReadPositive(configuration, "maxConcurrentActivityFunctions"),
            MaxConcurrentOrchestratorFunctions = ReadPositive(configuration, "maxConcurrentOrchestratorFunctions"),
            MaxDequeueCount = ReadPositive(configuration, "maxDequeueCount"),
            MaxPollingInterval = ReadPollingInterval(storage),
            InlineActivities = ReadBoolean(configuration, "inlineActivities"),
            OneWriteEvents = ReadBoolean(configuration, "oneWriteEvents"),
        };
    }

    /// <summary>
    /// A TimeSpan as host.json writes them (<c>"00:00:05"</c>; Azure Storage's name <c>maxQueuePollingInterval</c> is
    /// accepted too), between 10 ms and 5 minutes: shorter is a busy loop, longer would leave work another host wrote
    /// unnoticed for that long whenever a notification is lost.
    /// </summary>
    private static TimeSpan? ReadPollingInterval(IConfigurationSection storage)
    {
        string name = storage["maxPollingInterval"] is not null ? "maxPollingInterval" : "maxQueuePollingInterval";
        string? text = storage[name];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan value) && value >= TimeSpan.FromMilliseconds(10) && value <= TimeSpan.FromMinutes(5)
            ? value
            : throw new InvalidOperationException(
                $"host.json extensions.durableTask.storageProvider.{name} must be a time span between 00:00:00.010 and 00:05:00 (hh:mm:ss, e.g. \"00:00:05\"); it is '{text}'.");
    }

    private static string ResolveHubName(IConfiguration configuration, string? hubName)
    {
        if (string.IsNullOrWhiteSpace(hubName))
        {
            return "TestHubName";
        }

        // %MyTaskHubName% names an app setting, as in the sample's host.json.
        if (hubName.Length > 2 && hubName[0] == '%' && hubName[^1] == '%')
        {
            string setting = hubName[1..^1];
            return configuration[setting] is { Length: > 0 } resolved
                ? resolved
                : throw new InvalidOperationException($"host.json hubName '{hubName}' names the app setting '{setting}', which is not set.");
        }

        return hubName;
    }

    private static int? ReadPositive(IConfiguration configuration, string name)
    {
        string? text = configuration[DurableTask + ":" + name];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new InvalidOperationException($"host.json extensions.durableTask.{name} must be a whole number greater than 0; it is '{text}'.");
    }

    private static bool? ReadBoolean(IConfiguration configuration, string name)
    {
        string? text = configuration[DurableTask + ":" + name];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // JSON's literals (configuration keeps host.json's as "True"/"False"; an app setting may write either case).
        return text.Equals("true", StringComparison.OrdinalIgnoreCase) ? true
            : text.Equals("false", StringComparison.OrdinalIgnoreCase) ? false
            : throw new InvalidOperationException($"host.json extensions.durableTask.{name} must be true or false; it is '{text}'.");
    }
}
