using Durable.Core.Dispatch;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Durable.Core.Tests.Dispatch;

/// <summary>
/// How many store calls one work item costs when work comes one item at a time (the common case): every lease call
/// that finds nothing is a query the store ran for nothing.
/// </summary>
public sealed class WorkDispatcherLeaseCallsTests
{
    [Fact]
    public async Task OneItem_StoreSawNoMore_OnlyTheLease()
    {
        int calls = await CountLeaseCallsForOneItemAsync(moreWorkVisible: false, lookAgainAfterEachItem: true, whileRunning: null);

        // No look for more (the store saw none beside the item), and none after the item: nothing was announced for its
        // instance while it ran.
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task OneItem_StoreSawMoreOrCannotTell_LeaseThenOneLook()
    {
        int calls = await CountLeaseCallsForOneItemAsync(moreWorkVisible: true, lookAgainAfterEachItem: true, whileRunning: null);

        // The lease and one look for more (not two at once: one item found is most often the one that was announced).
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task OneItem_WorkForAnotherInstanceAnnouncedMeanwhile_NoLookForIt()
    {
        int calls = await CountLeaseCallsForOneItemAsync(moreWorkVisible: false, lookAgainAfterEachItem: true, whileRunning: s => s.Notify("other"));

        // The announcement wakes the loop once (its look finds nothing here), but the item's end adds no look.
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task OneItem_WorkForAnyInstanceAnnouncedMeanwhile_LooksAtOnceAndAgainAfterIt()
    {
        int calls = await CountLeaseCallsForOneItemAsync(moreWorkVisible: false, lookAgainAfterEachItem: true, whileRunning: s => s.Notify(null));

        // The announcement's look skips the running item; so one more look once it is done.
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task OneItem_WorkForItsOwnInstanceAnnouncedMeanwhile_LooksOnlyAfterIt()
    {
        int calls = await CountLeaseCallsForOneItemAsync(moreWorkVisible: false, lookAgainAfterEachItem: true, whileRunning: s => s.Notify("item"));

        // A look while the item runs would skip its instance: the one look is once it is done.
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task OneItem_NotLookingAgainAfterIt_LeaseThenTheAnnouncementsLook()
    {
        int calls = await CountLeaseCallsForOneItemAsync(moreWorkVisible: false, lookAgainAfterEachItem: false, whileRunning: s => s.Notify("item"));

        // The announcement's look, and none after the item.
        Assert.Equal(2, calls);
    }

    /// <summary>
    /// Runs a dispatcher whose store holds one item (instance "item", leased saying <paramref name="moreWorkVisible"/>) and
    /// never polls; <paramref name="whileRunning"/> announces work while the item runs, after the loop has gone idle.
    /// Counts lease calls once all is idle again.
    /// </summary>
    private static async Task<int> CountLeaseCallsForOneItemAsync(bool moreWorkVisible, bool lookAgainAfterEachItem, Action<WorkSignal>? whileRunning)
    {
        int calls = 0;
        int offered = 1;
        WorkSignal signal = new();
        TaskCompletionSource processed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenSource stop = new();
        WorkDispatcher<string> dispatcher = new(
            "test",
            new SemaphoreSlim(8),
            (_, _) =>
            {
                Interlocked.Increment(ref calls);
                return Task.FromResult<string?>(Interlocked.Exchange(ref offered, 0) == 1 ? "item" : null);
            },
            item => item,
            async (_, _) =>
            {
                // The loop has gone to sleep (after its look for more, if it made one): an announcement now is one it must
                // act on.
                await WaitUntilAsync(() => Volatile.Read(ref calls) == (moreWorkVisible ? 2 : 1));
                await Task.Delay(100);
                whileRunning?.Invoke(signal);
                await Task.Delay(100);
                processed.TrySetResult();
                return null;
            },
            _ => Task.FromResult<DateTimeOffset?>(null),
            signal,
            TimeProvider.System,
            new PollingBackoff(TimeSpan.FromHours(1), TimeSpan.FromHours(1)),
            NullLogger.Instance,
            lookAgainAfterEachItem,
            _ => moreWorkVisible);
        Task run = dispatcher.RunAsync(stop.Token, CancellationToken.None);
        await processed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Idle again: nothing more happens without a notification (the poll is an hour away).
        await Task.Delay(300);
        int counted = Volatile.Read(ref calls);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        return counted;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}
