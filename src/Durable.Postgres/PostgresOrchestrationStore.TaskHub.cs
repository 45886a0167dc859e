using Durable.Core.Storage;

namespace Durable.Postgres;

/// <summary>Deleting the whole task hub (<c>durable delete-task-hub</c>).</summary>
public sealed partial class PostgresOrchestrationStore : ITaskHubDeleter
{
    /// <inheritdoc/>
    public Task<int> DeleteTaskHubAsync(CancellationToken cancellationToken) =>
        this.Db.WriteAsync(
            async s =>
            {
                // Fixed table order in every multi-table change (history, inbox, tasks, instances).
                this.historyCache.Clear();
                int instances = 0;
                foreach (string table in new[] { "history", "inbox", "tasks", "instances" })
                {
                    instances = await s.ExecuteAsync(this.Sql($"DELETE FROM $s.{table} WHERE hub = @hub"), cancellationToken, ("hub", this.hub)).ConfigureAwait(false);
                }

                return instances;
            },
            cancellationToken);
}
