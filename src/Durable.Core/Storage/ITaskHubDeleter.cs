namespace Durable.Core.Storage;

/// <summary>
/// Optional for a store: removes a whole task hub (every instance, running or not, with its history, inbox and
/// activity tasks), as <c>func durable delete-task-hub</c> does. Other hubs in the same database are untouched.
/// </summary>
public interface ITaskHubDeleter
{
    /// <summary>
    /// Deletes every row of this store's hub in one transaction: either the whole hub is gone or nothing changed.
    /// A host still running on the hub loses its leases (its commits touch zero rows and are discarded).
    /// </summary>
    /// <returns>How many instances were deleted.</returns>
    Task<int> DeleteTaskHubAsync(CancellationToken cancellationToken);
}
