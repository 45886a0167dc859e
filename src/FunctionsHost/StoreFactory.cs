using Durable.Core.Storage;
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
            // TODO(#4): wire Durable.Postgres here once that store exists; the setting names are already read.
            throw new InvalidOperationException(
                "host.json storageProvider.type 'postgres' is not available in this build yet (no PostgreSQL store project); use 'sqlite'.");
        }

        return new SqliteOrchestrationStore(new SqliteStoreOptions { DatabasePath = settings.DatabasePath, HubName = settings.HubName }, timeProvider);
    }
}
