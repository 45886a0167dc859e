using Durable.Core.Diagnostics;
using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Core.Dispatch;

/// <summary>
/// Runs the activities an episode has just scheduled inside that episode, so their results are committed with it
/// instead of through the activity queue: one commit and no lease per activity instead of three commits, two leases
/// and a second episode (Temporal's local activities). Each one needs a free slot of the host's activity concurrency,
/// which it shares with the activity queue's dispatcher; a task that finds none is queued as usual.
/// </summary>
/// <remarks>
/// Nothing of an inline run is durable until the episode commits. Only an episode's first attempt runs its activities
/// here, so an inline run is always an activity's first attempt; when it is cut off, the episode's next attempt queues
/// the activity with that run counted (<see cref="NewActivityTask.EarlierAttempts"/>).
/// </remarks>
internal sealed class InlineActivities(ActivityRunner runner, SemaphoreSlim slots, DurableTelemetry telemetry)
{
    /// <summary>
    /// Runs, all at once, each of <paramref name="tasks"/> that gets a free slot. Throws when
    /// <paramref name="cancellationToken"/> is cancelled (shutdown): then nothing is kept, and the episode is handed back.
    /// </summary>
    /// <returns>The results of those that ran, in the order of <paramref name="tasks"/>, and the tasks left to the queue.</returns>
    public async Task<(IReadOnlyList<HistoryEvent> Results, IReadOnlyList<NewActivityTask> Queued)> RunAsync(
        IReadOnlyList<NewActivityTask> tasks, CancellationToken cancellationToken)
    {
        List<Task<HistoryEvent>> running = [];
        List<NewActivityTask> queued = [];
        foreach (NewActivityTask task in tasks)
        {
            if (slots.Wait(0))
            {
                running.Add(this.RunOneAsync(task, onPool: tasks.Count > 1, cancellationToken));
            }
            else
            {
                queued.Add(task);
            }
        }

        return (await Task.WhenAll(running).ConfigureAwait(false), queued);
    }

    private async Task<HistoryEvent> RunOneAsync(NewActivityTask task, bool onPool, CancellationToken cancellationToken)
    {
        try
        {
            // Opened before the first await, while the episode's span is current: the activity's span is its child.
            using ActivityScope scope = telemetry.StartInlineActivity(task);

            // Beside others, on the pool: the next one starts without waiting for this one's synchronous part.
            HistoryEvent result = onPool
                ? await Task.Run(() => runner.RunAsync(task, attempt: 1, cancellationToken), CancellationToken.None).ConfigureAwait(false)
                : await runner.RunAsync(task, attempt: 1, cancellationToken).ConfigureAwait(false);
            scope.Ran(result);
            return result;
        }
        finally
        {
            slots.Release();
        }
    }
}
