using Durable.Core.Dispatch;
using Xunit;

namespace Durable.Core.Tests.Dispatch;

/// <summary>The in-process wake-up keeps a notification nobody waited for, and hands each one out once.</summary>
public sealed class WorkSignalTests
{
    [Fact]
    public void NotifiedWhileNobodyWaits_NextWaitCompletesAtOnce_AndOnlyThatOne()
    {
        WorkSignal signal = new();

        signal.Notify();

        Assert.True(signal.WaitAsync().IsCompleted);
        Assert.False(signal.WaitAsync().IsCompleted);
    }

    [Fact]
    public async Task NotifiedWhileWaiting_WaitCompletes_AndTheNotificationIsUsedUp()
    {
        WorkSignal signal = new();
        Task waiting = signal.WaitAsync();

        signal.Notify();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        signal.StopWaiting();

        Assert.False(signal.WaitAsync().IsCompleted);
    }

    [Fact]
    public void NotifiedAfterAWaitEndedByItsTimer_KeptForTheNextWait()
    {
        // The dispatcher's poll timer won, and it went to lease; a commit notifies meanwhile. Losing that notification
        // would leave the work unseen until the next poll.
        WorkSignal signal = new();
        Task abandoned = signal.WaitAsync();
        signal.StopWaiting();

        signal.Notify();

        Assert.True(signal.WaitAsync().IsCompleted);
        Assert.False(abandoned.IsCompleted);
    }
}
