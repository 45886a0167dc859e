using Durable.Core.Storage;

namespace Durable.Core.Dispatch;

/// <summary>
/// Writes the instances the client starts. While a slot for an episode is free, an instance is created leased to this
/// host and its first episode runs here at once (Temporal's eager workflow start): no lease round trip for it, and no
/// other host woken to race for it. Otherwise, or while the engine is not running (a command line's client), it is
/// created free and announced, and any host's dispatcher leases it.
/// </summary>
/// <remarks>
/// A host that dies after the create committed leaves the instance to its lease: any host takes it once the lease lapses
/// (a restart of this host on its machine at once), as after a crash during any episode. So does a create whose outcome
/// was unknown (the connection died with the write in flight).
/// </remarks>
internal sealed class InstanceStarter(
    IOrchestrationStore store,
    WorkDispatcher<OrchestrationWorkItem> dispatcher,
    WorkSignal signal,
    string owner,
    TimeSpan leaseDuration)
{
    public async Task<CreateInstanceResult> CreateAsync(NewInstance instance, CancellationToken cancellationToken)
    {
        if (!dispatcher.TryReserve())
        {
            CreateInstanceResult created = await store.CreateInstanceAsync(instance, cancellationToken).ConfigureAwait(false);
            if (created == CreateInstanceResult.Created)
            {
                signal.Notify(instance.InstanceId);
            }

            return created;
        }

        long notificationsBefore = signal.Notifications;
        OrchestrationWorkItem? item;
        try
        {
            item = await store.CreateLeasedInstanceAsync(instance, owner, leaseDuration, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            dispatcher.Unreserve();
            throw;
        }

        if (item is null)
        {
            dispatcher.Unreserve();
            return CreateInstanceResult.AlreadyExists;
        }

        dispatcher.Run(item, notificationsBefore);
        return CreateInstanceResult.Created;
    }
}
