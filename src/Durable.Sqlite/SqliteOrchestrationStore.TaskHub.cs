using Durable.Core.Storage;

namespace Durable.Sqlite;

/// <summary>Deleting the whole task hub (<c>durable delete-task-hub</c>).</summary>
public sealed partial class SqliteOrchestrationStore : ITaskHubDeleter
{
    /// <inheritdoc/>
    public Task<int> DeleteTaskHubAsync(CancellationToken cancellationToken) =>
        this.Db.WriteAsync(
            s =>
            {
                // Fixed table order in every multi-table change (history, inbox, tasks, instances).
                this.historyCache.Clear();
                s.Execute("DELETE FROM history WHERE hub = $hub", ("$hub", this.hub));
                s.Execute("DELETE FROM inbox WHERE hub = $hub", ("$hub", this.hub));
                s.Execute("DELETE FROM tasks WHERE hub = $hub", ("$hub", this.hub));
                return s.Execute("DELETE FROM instances WHERE hub = $hub", ("$hub", this.hub));
            },
            cancellationToken);
}
