using System.Collections.Concurrent;

namespace Durable.WebJobs.Tests;

/// <summary>Collects instance ids started by client functions (passed as a CallAsync argument).</summary>
public sealed class StartedIds : ConcurrentQueue<string>
{
    public void Add(string id) => this.Enqueue(id);
}
