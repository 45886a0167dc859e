using System.Collections.Concurrent;
using Durable.Core.Dispatch;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Durable.Core.Tests.Dispatch;

/// <summary>The lease loop never leases what it is still running: every lease call names the items in flight.</summary>
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
}
