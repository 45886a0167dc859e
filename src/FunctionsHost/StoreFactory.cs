using Durable.Core.Storage;
using Durable.Postgres;
using Durable.Sqlite;
using FunctionsHost.Configuration;

namespace FunctionsHost;

/// <summary>Creates the store host.json names (<c>extensions.durableTask.storageProvider</c>).</summary>
internal static class StoreFactory
{
    public static IOrchestrationStore Create(HostSettings settings, TimeProvider timeProvider)
    {
        if (settings.StorageType == "postgres")
        {
            // A malformed connection string fails here (ArgumentException); an unreachable server in
            // Configuration/StoreStartupCheck before the host listens (StoreUnavailableException). Both: one line.
            return new PostgresOrchestrationStore(
                new PostgresStoreOptions { ConnectionString = settings.PostgresConnectionString ?? string.Empty, HubName = settings.HubName },
                timeProvider);
        }

        return new SqliteOrchestrationStore(new SqliteStoreOptions { DatabasePath = settings.DatabasePath, HubName = settings.HubName }, timeProvider);
    }
}
