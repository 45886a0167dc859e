using Durable.Core.Storage;
using Durable.Core.Storage.InMemory;

namespace Durable.Stores.Tests;

/// <summary>
/// The contract on <see cref="InMemoryOrchestrationStore"/>. Its backing storage is the object itself, so one
/// object per hub stands for "the same backing": reopening returns it, and "two processes" share it.
/// </summary>
public sealed class InMemoryStoreTests : StoreContractTests
{
    private readonly Dictionary<string, InMemoryOrchestrationStore> hubs = new(StringComparer.Ordinal);

    protected override IOrchestrationStore CreateStore(TimeProvider time, string hubName)
    {
        if (!this.hubs.TryGetValue(hubName, out InMemoryOrchestrationStore? store))
        {
            store = new InMemoryOrchestrationStore(time);
            this.hubs.Add(hubName, store);
        }

        return store;
    }
}
