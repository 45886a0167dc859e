using System.Text.Json;

namespace Durable.Sqlite;

/// <summary>Releasing the leases of owners that are gone (a killed process), all at once.</summary>
public sealed partial class SqliteOrchestrationStore
{
    /// <inheritdoc/>
    public Task<int> ReleaseLeasesAsync(Func<string, bool> ownerIsGone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerIsGone);
        return this.Db.WriteAsync(
            s =>
            {
                // Inside the write transaction: a lease taken by a live host between the read and the update is
                // impossible, because the file's write lock is held throughout.
                List<string> owners = s.Query(
                    "SELECT locked_by FROM instances WHERE hub = $hub AND locked_by IS NOT NULL AND locked_by <> $abandoned " +
                    "UNION SELECT locked_by FROM tasks WHERE hub = $hub AND locked_by IS NOT NULL",
                    r => r.GetString(0),
                    ("$hub", this.hub),
                    ("$abandoned", AbandonedOwner));
                string gone = JsonSerializer.Serialize(owners.Where(ownerIsGone).ToArray());
                if (gone == "[]")
                {
                    return 0;
                }

                return s.Execute(
                    "UPDATE instances SET locked_by = NULL, lock_expiration = NULL WHERE hub = $hub AND locked_by IN (SELECT value FROM json_each($gone))",
                    ("$hub", this.hub),
                    ("$gone", gone))
                    + s.Execute(
                    "UPDATE tasks SET locked_by = NULL, lock_expiration = NULL WHERE hub = $hub AND locked_by IN (SELECT value FROM json_each($gone))",
                    ("$hub", this.hub),
                    ("$gone", gone));
            },
            cancellationToken);
    }
}
