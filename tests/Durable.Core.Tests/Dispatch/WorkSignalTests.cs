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

    [Fact]
    public void Watch_NamedBetweenLeaseRoundAndWatch_UnwatchSaysLookAgain()
    {
        // An event for the instance was announced while the lease that brought it was on its way back.
        WorkSignal signal = new();
        long before = signal.Notifications;
        signal.Notify("a");

        signal.Watch("a", before);

        Assert.True(signal.Unwatch("a"));
    }

    [Fact]
    public async Task Watch_NamedWhileWatched_WakesNobody_UnwatchSaysLookAgain()
    {
        // An event for an instance whose episode runs here: a lease now would skip it, so only the end of the episode
        // looks again; another instance's work still wakes the loop.
        WorkSignal signal = new();
        signal.Watch("a", signal.Notifications);
        Task waiting = signal.WaitAsync();

        signal.Notify("a");
        bool wokenForA = waiting.IsCompleted;
        signal.Notify("b");
        await waiting;

        Assert.False(wokenForA);
        Assert.True(signal.Unwatch("a"));
    }

    [Fact]
    public void Watch_NamedBeforeTheLeaseRound_UnwatchSaysNoNeed()
    {
        // The announcement came before the lease round began, so that lease saw its work.
        WorkSignal signal = new();
        signal.Notify("a");
        long before = signal.Notifications;

        signal.Watch("a", before);
        signal.Notify("b");

        Assert.False(signal.Unwatch("a"));
    }

    [Fact]
    public void Watch_UnnamedAnnouncementWhileWatched_UnwatchSaysLookAgain()
    {
        // Another host's work (its instance unknown) may be for this one.
        WorkSignal signal = new();
        signal.Watch("a", signal.Notifications);

        signal.Notify();

        Assert.True(signal.Unwatch("a"));
        Assert.False(signal.Unwatch("a"));
    }

    [Fact]
    public void Watch_MoreNamedAnnouncementsSinceTheRoundThanAreKept_CountsAsNamed()
    {
        // Too many to tell whether one of them was for this instance: looking again is the safe answer.
        WorkSignal signal = new();
        long before = signal.Notifications;
        for (int i = 0; i < 1000; i++)
        {
            signal.Notify("other-" + i);
        }

        signal.Watch("a", before);

        Assert.True(signal.Unwatch("a"));
    }

    [Fact]
    public void Expect_WatchedInstance_ToldToItsCommitButWakesNobodyAndAsksNoLookAfter()
    {
        // An event is being written for an instance whose episode runs here: its commit should lease it again, but the
        // write itself says what became of the event, so neither the loop nor the end of the episode needs to look.
        WorkSignal signal = new();
        signal.Watch("a", signal.Notifications);

        signal.Expect("a");
        signal.Expect("b");

        Assert.Equal((true, false), (signal.WorkExpected("a"), signal.WorkExpected("b")));
        Assert.False(signal.WaitAsync().IsCompleted);
        Assert.False(signal.Unwatch("a"));
        Assert.False(signal.WorkExpected("a"));
    }

    [Fact]
    public void WorkExpected_NamedWhileWatched_True()
    {
        WorkSignal signal = new();
        signal.Watch("a", signal.Notifications);

        signal.Notify("a");

        Assert.True(signal.WorkExpected("a"));
        Assert.True(signal.Unwatch("a"));
    }
}
