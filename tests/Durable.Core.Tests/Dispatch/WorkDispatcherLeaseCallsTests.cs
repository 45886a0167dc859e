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
    public async Task OneItem_LookingAgainAfterIt_LeaseThenOneEmptyLookThenOneAfterTheItem()
    {
        int calls = await CountLeaseCallsForOneItemAsync(lookAgainAfterEachItem: true);

        // The lease, one look for more (not two at once: one item found is most often the one that was announced), and
        // one look after the item ran (work for its instance may have been skipped meanwhile).
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task OneItem_NotLookingAgainAfterIt_LeaseThenOneEmptyLook()
    {
        int calls = await CountLeaseCallsForOneItemAsync(lookAgainAfterEachItem: false);

        Assert.Equal(2, calls);
    }

    /// <summary>Runs a dispatcher whose store holds one item and never polls; counts its lease calls once it is idle again.</summary>
    private static async Task<int> CountLeaseCallsForOneItemAsync(bool lookAgainAfterEachItem)
    {
        int calls = 0;
        int offered = 1;
        TaskCompletionSource processed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenSource stop = new();
        WorkDispatcher<object> dispatcher = new(
            "test",
            8,
            (_, _) =>
            {
                Interlocked.Increment(ref calls);
                return Task.FromResult<object?>(Interlocked.Exchange(ref offered, 0) == 1 ? "item" : null);
            },
            _ => null,
            (_, _) =>
            {
                processed.TrySetResult();
                return Task.CompletedTask;
            },
            _ => Task.FromResult<DateTimeOffset?>(null),
            new WorkSignal(),
            TimeProvider.System,
            new PollingBackoff(TimeSpan.FromHours(1), TimeSpan.FromHours(1)),
            NullLogger.Instance,
            lookAgainAfterEachItem);
        Task run = dispatcher.RunAsync(stop.Token, CancellationToken.None);
        await processed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Idle again: nothing more happens without a notification (the poll is an hour away).
        await Task.Delay(300);
        int counted = Volatile.Read(ref calls);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        return counted;
    }
}
