namespace Durable.Postgres;

/// <summary>Releasing the leases of owners that are gone (a killed process), all at once.</summary>
public sealed partial class PostgresOrchestrationStore
{
    /// <inheritdoc/>
    public async Task<int> ReleaseLeasesAsync(Func<string, bool> ownerIsGone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerIsGone);
        (int released, int releasedTasks) = await this.Db.WriteAsync(
            async s =>
            {
                List<string> owners = await s.QueryAsync(
                    this.Sql(
                        "SELECT locked_by FROM $s.instances WHERE hub = @hub AND locked_by IS NOT NULL AND locked_by <> @abandoned " +
                        "UNION SELECT locked_by FROM $s.tasks WHERE hub = @hub AND locked_by IS NOT NULL"),
                    r => r.GetString(0),
                    cancellationToken,
                    ("hub", this.hub),
                    ("abandoned", AbandonedOwner)).ConfigureAwait(false);
                string[] gone = [.. owners.Where(ownerIsGone)];
                if (gone.Length == 0)
                {
                    return (0, 0);
                }

                // A gone owner takes no new leases, so reading the owners first and releasing after cannot race
                // with it; live hosts' leases are not in the list. The owner check stays in the UPDATE, so a lease
                // a live host took meanwhile (after expiry) is untouched.
                int released = await s.ExecuteAsync(
                    this.Sql("UPDATE $s.instances SET locked_by = NULL, lock_expiration = NULL WHERE hub = @hub AND locked_by = ANY(@gone)"),
                    cancellationToken,
                    ("hub", this.hub),
                    ("gone", gone)).ConfigureAwait(false);
                int releasedTasks = await s.ExecuteAsync(
                    this.Sql("UPDATE $s.tasks SET locked_by = NULL, lock_expiration = NULL WHERE hub = @hub AND locked_by = ANY(@gone)"),
                    cancellationToken,
                    ("hub", this.hub),
                    ("gone", gone)).ConfigureAwait(false);
                return (released, releasedTasks);
            },
            cancellationToken).ConfigureAwait(false);
        if (released > 0)
        {
            this.Notify(OrchestrationWork);
        }

        if (releasedTasks > 0)
        {
            this.Notify(ActivityWork);
        }

        return released + releasedTasks;
    }
}
