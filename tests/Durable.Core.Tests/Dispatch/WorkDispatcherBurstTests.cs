using System.Collections.Concurrent;
using Durable.Core.Dispatch;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Durable.Core.Tests.Dispatch;

/// <summary>In a burst the lease loop asks for several work items at once, never for more than its free slots.</summary>
public sealed class WorkDispatcherBurstTests
{
    private const int Items = 200;
    private const int MaxConcurrency = 8;

    [Fact]
    public async Task Burst_LeasesSeveralAtOnce_WithinFreeSlots_AndRunsEveryItemOnce()
    {
        ConcurrentQueue<int> queue = new(Enumerable.Range(0, Items));
        ConcurrentBag<int> processed = [];
        int leasing = 0;
        int maxLeasing = 0;
        int running = 0;
        int maxRunningPlusLeasing = 0;
        TaskCompletionSource allDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await RunUntilAsync(
            leaseAsync: async _ =>
            {
                int now = Interlocked.Increment(ref leasing);
                InterlockedMax(ref maxLeasing, now);
                InterlockedMax(ref maxRunningPlusLeasing, now + Volatile.Read(ref running));

                // A store round trip: long enough for calls asked together to overlap.
                await Task.Delay(5);
                Interlocked.Decrement(ref leasing);
                return queue.TryDequeue(out int item) ? item : null;
            },
            processAsync: async (item, _) =>
            {
                Interlocked.Increment(ref running);
                await Task.Delay(1);
                processed.Add((int)item);
                Interlocked.Decrement(ref running);
                if (processed.Count == Items)
                {
                    allDone.TrySetResult();
                }
            },
            allDone.Task);

        Assert.Equal(Enumerable.Range(0, Items), processed.Order());
        Assert.InRange(maxLeasing, 2, MaxConcurrency);
        Assert.InRange(maxRunningPlusLeasing, 1, MaxConcurrency);
    }

    [Fact]
    public async Task LeaseFails_BesideOnesThatLeased_TheLeasedItemsStillRun()
    {
        int calls = 0;
        ConcurrentBag<int> processed = [];
        TaskCompletionSource fourDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await RunUntilAsync(
            leaseAsync: async _ =>
            {
                int call = Interlocked.Increment(ref calls);
                await Task.Delay(5);

                // Calls 1-3 lease items (one, one again, then two at once); in the round of two, call 4 fails, and
                // call 5, one at a time again after the back-off, leases an item.
                return call switch
                {
                    <= 3 or 5 => call,
                    4 => throw new InvalidOperationException("store hiccup"),
                    _ => null,
                };
            },
            processAsync: (item, _) =>
            {
                processed.Add((int)item);
                if (processed.Count == 4)
                {
                    fourDone.TrySetResult();
                }

                return Task.CompletedTask;
            },
            fourDone.Task);

        Assert.Equal([1, 2, 3, 5], processed.Order());
    }

    /// <summary>Runs a dispatcher over the given store calls until <paramref name="done"/>, then stops it.</summary>
    private static async Task RunUntilAsync(Func<CancellationToken, Task<object?>> leaseAsync, Func<object, CancellationToken, Task> processAsync, Task done)
    {
        using CancellationTokenSource stop = new();
        WorkDispatcher<object> dispatcher = new(
            "test",
            new SemaphoreSlim(MaxConcurrency),
            (_, ct) => leaseAsync(ct),
            _ => null,
            async (item, ct) =>
            {
                await processAsync(item, ct);
                return null;
            },
            _ => Task.FromResult<DateTimeOffset?>(null),
            new WorkSignal(),
            TimeProvider.System,
            new PollingBackoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10)),
            NullLogger.Instance);
        Task run = dispatcher.RunAsync(stop.Token, CancellationToken.None);
        await done.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
