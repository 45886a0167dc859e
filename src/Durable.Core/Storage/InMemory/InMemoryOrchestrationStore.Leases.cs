namespace Durable.Core.Storage.InMemory;

/// <summary>Releasing the leases of owners that are gone (a killed process), all at once.</summary>
public sealed partial class InMemoryOrchestrationStore
{
    /// <summary>The owner an abandoned instance carries while it waits out its retry delay: a marker, not a process.</summary>
    private const string AbandonedOwner = "(abandoned)";

    /// <inheritdoc/>
    public Task<int> ReleaseLeasesAsync(Func<string, bool> ownerIsGone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerIsGone);
        cancellationToken.ThrowIfCancellationRequested();
        lock (this.gate)
        {
            // Ask once per owner, before changing anything: the predicate may throw, and then nothing changes.
            Dictionary<string, bool> gone = new(StringComparer.Ordinal);
            foreach (string owner in this.instances.Values.Select(i => i.LeaseOwner).Concat(this.tasks.Values.Select(t => t.LeaseOwner)).OfType<string>())
            {
                if (owner != AbandonedOwner && !gone.ContainsKey(owner))
                {
                    gone[owner] = ownerIsGone(owner);
                }
            }

            int released = 0;
            foreach (InMemoryInstance state in this.instances.Values.Where(i => i.LeaseOwner is { } o && gone.GetValueOrDefault(o)))
            {
                state.LeaseOwner = null;
                released++;
            }

            foreach (InMemoryTask task in this.tasks.Values.Where(t => t.LeaseOwner is { } o && gone.GetValueOrDefault(o)))
            {
                task.LeaseOwner = null;
                released++;
            }

            return Task.FromResult(released);
        }
    }
}
