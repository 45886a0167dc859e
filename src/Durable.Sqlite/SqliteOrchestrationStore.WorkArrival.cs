using Durable.Core.Storage;

namespace Durable.Sqlite;

/// <summary>
/// Wakes the engine when another process wrote to the file (a second host, <c>FunctionsHost durable start-new</c> or
/// <c>raise-event</c>), instead of at the dispatchers' fallback poll (see <see cref="SqliteChangeWatcher"/>).
/// </summary>
public sealed partial class SqliteOrchestrationStore : IWorkArrivalNotifier
{
    /// <inheritdoc/>
    public IDisposable SubscribeToWorkArrival(Action orchestrationWork, Action activityWork)
    {
        ArgumentNullException.ThrowIfNull(orchestrationWork);
        ArgumentNullException.ThrowIfNull(activityWork);

        // data_version says that something changed, not what: both dispatchers look.
        return SqliteChangeWatcher.Start(this.Db.Path, SqliteChangeWatcher.DefaultInterval, this.time, () =>
        {
            orchestrationWork();
            activityWork();
        });
    }
}
