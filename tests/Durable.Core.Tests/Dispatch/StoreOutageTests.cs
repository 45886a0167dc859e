using Durable.Core.Dispatch;
using Durable.Core.Storage;
using Durable.Testing;
using Xunit;

namespace Durable.Core.Tests.Dispatch;

/// <summary>A result kept through a store outage is stored while its lease lives, and dropped once the lease has lapsed.</summary>
public sealed class StoreOutageTests
{
    private static readonly DurableEngineOptions Options = new() { LeaseDuration = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task WriteAsync_OutageOutlastsTheLease_DroppedAtExpiry_NeverWrittenLate()
    {
        // Arrange: every write and renewal fails; the lease lapses 30 s from now.
        FakeTimeProvider time = new();
        DateTimeOffset expiration = time.GetUtcNow() + Options.LeaseDuration;
        List<DateTimeOffset> writes = [];
        Task Write()
        {
            lock (writes)
            {
                writes.Add(time.GetUtcNow());
            }

            return Task.FromException(new StoreUnavailableException("The disk is full (test)."));
        }

        Task run = StoreOutage.WriteAsync(
            Write,
            _ => Task.FromException<bool>(new StoreUnavailableException("The disk is full (test).")),
            () => expiration,
            Options,
            time,
            (_, _) => { },
            _ => { },
            CancellationToken.None);

        // Act: time moves past the expiry in one-second steps.
        for (int second = 0; second < 40 && !run.IsCompleted; second++)
        {
            await WaitForTimersAsync();
            time.Advance(TimeSpan.FromSeconds(1));
        }

        // Assert: the lease's end drops the write; no attempt was made at or after it.
        await Assert.ThrowsAsync<LeaseLostException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.NotEmpty(writes);
        Assert.All(writes, at => Assert.True(at < expiration, $"written at {at:O}, the lease lapsed at {expiration:O}"));
    }

    [Fact]
    public async Task WriteAsync_StoreBackWithinTheLease_Written()
    {
        // Arrange: two writes fail, the third succeeds, all within the lease.
        FakeTimeProvider time = new();
        int attempts = 0;
        Task Write() => Interlocked.Increment(ref attempts) <= 2 ? Task.FromException(new StoreUnavailableException("locked (test)")) : Task.CompletedTask;

        // Act
        Task run = StoreOutage.WriteAsync(Write, _ => Task.FromResult(true), () => time.GetUtcNow() + Options.LeaseDuration, Options, time, (_, _) => { }, _ => { }, CancellationToken.None);
        for (int second = 0; second < 20 && !run.IsCompleted; second++)
        {
            await WaitForTimersAsync();
            time.Advance(TimeSpan.FromSeconds(1));
        }

        // Assert
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, attempts);
    }

    /// <summary>Lets the write loop reach its next wait before the clock moves.</summary>
    private static Task WaitForTimersAsync() => Task.Delay(2);
}
