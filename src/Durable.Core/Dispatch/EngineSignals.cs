using System.Collections.Concurrent;
using Durable.Core.Storage;

namespace Durable.Core.Dispatch;

/// <summary>
/// In-process wake-ups between the client, the dispatchers and completion waiters, so work written here
/// is picked up at once and waiters learn of completion without polling.
/// </summary>
internal sealed class EngineSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> finished = new();

    public WorkSignal Orchestrations { get; } = new();

    public WorkSignal Activities { get; } = new();

    /// <summary>After an episode committed.</summary>
    public void Committed(string instanceId, OrchestrationCommit commit)
    {
        if (commit.ActivityTasks.Count > 0)
        {
            this.Activities.Notify();
        }

        if (commit.Status.IsTerminal() && this.finished.TryRemove(instanceId, out TaskCompletionSource? done))
        {
            done.TrySetResult();
        }
    }

    /// <summary>A task that completes when this host commits a terminal status for the instance (or never, if another host does).</summary>
    public Task WhenFinished(string instanceId) =>
        this.finished.GetOrAdd(instanceId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
}
