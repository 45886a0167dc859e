using System.Collections.Concurrent;
using Durable.Core.Dispatch;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Durable.Core.Tests.Dispatch;

/// <summary>
/// The lease loop never leases what it is still running: every lease call names the items in flight. An item of a running
/// key leased outside the loop runs after the one running, never beside it.
/// </summary>
public sealed class WorkDispatcherRunningTests
{
    [Fact]
    public async Task Lease_WhileAnItemRuns_SkipsItsKey_UntilItEnds()
    {
        // Arrange: the store offers "verify-1" once; its processing waits for the test.
        ConcurrentQueue<string[]> skips = new();
        ConcurrentQueue<string> offers = new(["verify-1"]);
        TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource running = new(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenSource stop = new();
        using CancellationTokenSource limit = new(TimeSpan.FromSeconds(10));
        WorkDispatcher<string> dispatcher = new(
            "test",
            slots: new SemaphoreSlim(4),
            (skip, _) =>
            {
                skips.Enqueue([.. skip]);
                return Task.FromResult(offers.TryDequeue(out string? item) ? item : null);
            },
            item => item,
            async (item, _) =>
            {
                running.TrySetResult();
                await release.Task;
                return null;
            },
            _ => Task.FromResult<DateTimeOffset?>(null),
            new WorkSignal(),
            TimeProvider.System,
            new PollingBackoff(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5)),
            NullLogger.Instance);
        Task run = dispatcher.RunAsync(stop.Token, CancellationToken.None);
        await running.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Act: let the loop lease a few times while the item runs, then end it and let it lease again.
        int before = skips.Count;
        while (skips.Count < before + 3)
        {
            await Task.Delay(5, limit.Token);
        }

        string[][] whileRunning = [.. skips.Skip(before)];
        release.TrySetResult();
        string[] afterwards;
        do
        {
            await Task.Delay(5, limit.Token);
            afterwards = skips.Last();
        }
        while (afterwards.Length > 0);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        Assert.All(whileRunning, skip => Assert.Equal(["verify-1"], skip));
        Assert.Equal([], skips.First());
    }

    [Fact]
    public async Task Run_ItemOfAKeyStillRunning_RunsAfterItOnItsSlot()
    {
        // Arrange: the loop leases "verify-1#1", which waits for the test; two slots.
        ConcurrentQueue<string> offers = new(["verify-1#1"]);
        ConcurrentQueue<string> events = new();
        TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource running = new(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource secondDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        SemaphoreSlim slots = new(2);
        using CancellationTokenSource stop = new();
        WorkDispatcher<string> dispatcher = new(
            "test",
            slots,
            (_, _) => Task.FromResult(offers.TryDequeue(out string? item) ? item : null),
            item => item.Split('#')[0],
            async (item, _) =>
            {
                events.Enqueue("start " + item);
                if (item.EndsWith("#1", StringComparison.Ordinal))
                {
                    running.TrySetResult();
                    await release.Task;
                }
                else
                {
                    secondDone.TrySetResult();
                }

                events.Enqueue("end " + item);
                return null;
            },
            _ => Task.FromResult<DateTimeOffset?>(null),
            new WorkSignal(),
            TimeProvider.System,
            new PollingBackoff(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5)),
            NullLogger.Instance);
        dispatcher.Open(CancellationToken.None);
        Task run = dispatcher.RunAsync(stop.Token, CancellationToken.None);
        await running.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Act: the next item of the same key, leased elsewhere (an event's write), is handed over while the first runs.
        Assert.True(dispatcher.TryReserve());
        dispatcher.Run("verify-1#2", 0);
        int freeWhileQueued = slots.CurrentCount;
        await Task.Delay(50);
        string[] beforeRelease = [.. events];
        release.TrySetResult();
        await secondDone.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert: it waited for the first, on its slot (the reservation's was given back), and the key ended with it.
        Assert.Equal(1, freeWhileQueued);
        Assert.Equal(["start verify-1#1"], beforeRelease);
        Assert.Equal(["start verify-1#1", "end verify-1#1", "start verify-1#2", "end verify-1#2"], events);
        Assert.False(dispatcher.IsRunning("verify-1"));
        Assert.Equal(2, slots.CurrentCount);
    }
}
