using Durable.Core.History;
using Durable.Core.Storage;

namespace Durable.Core.Tests.Storage;

public sealed class HistoryCacheTests
{
    private static readonly HistoryEvent[] History =
    [
        new HistoryEvent { EventType = EventType.OrchestratorStarted },
        new HistoryEvent { EventType = EventType.ExecutionStarted, Name = "E4_SmsPhoneVerification" },
    ];

    [Fact]
    public void Get_SameExecution_ReturnsThePrefixAndItsLastSequence()
    {
        HistoryCache cache = new(10);
        cache.Set("a", "exec-1", History, 1);

        (IReadOnlyList<HistoryEvent> Events, long LastSequence)? hit = cache.Get("a", "exec-1");

        Assert.NotNull(hit);
        Assert.Equal(History, hit.Value.Events);
        Assert.Equal(1, hit.Value.LastSequence);
    }

    [Fact]
    public void Get_OtherExecution_MissesAndForgetsTheEntry()
    {
        HistoryCache cache = new(10);
        cache.Set("a", "exec-1", History, 1);

        Assert.Null(cache.Get("a", "exec-2"));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Set_PastByteBudget_EvictsLeastRecentlyUsedUntilWithinBudget()
    {
        // Arrange: three histories of about 40 KB each (20,000 characters) under a 100 KB budget.
        HistoryCache cache = new(100, maxBytes: 100_000);
        HistoryEvent[] large = [new HistoryEvent { EventType = EventType.EventRaised, Name = "Big", Input = new string('x', 20_000) }];

        // Act
        cache.Set("a", "exec-1", large, 0);
        cache.Set("b", "exec-1", large, 0);
        cache.Get("a", "exec-1");
        cache.Set("c", "exec-1", large, 0);

        // Assert
        Assert.Equal(2, cache.Count);
        Assert.NotNull(cache.Get("a", "exec-1"));
        Assert.Null(cache.Get("b", "exec-1"));
        Assert.NotNull(cache.Get("c", "exec-1"));
        Assert.InRange(cache.Bytes, 80_000, 100_000);
    }

    [Fact]
    public void Set_OneHistoryOverByteBudget_IsNotKept()
    {
        // Arrange
        HistoryCache cache = new(100, maxBytes: 10_000);
        cache.Set("a", "exec-1", History, 1);

        // Act
        cache.Set("b", "exec-1", [new HistoryEvent { EventType = EventType.EventRaised, Input = new string('x', 10_000) }], 0);

        // Assert
        Assert.Null(cache.Get("b", "exec-1"));
        Assert.NotNull(cache.Get("a", "exec-1"));
    }

    [Fact]
    public void Remove_Entry_GivesBackItsBytes()
    {
        // Arrange
        HistoryCache cache = new(100, maxBytes: 100_000);
        cache.Set("a", "exec-1", History, 1);
        cache.Set("a", "exec-1", [.. History, .. History], 3);

        // Act
        cache.Remove("a");

        // Assert
        Assert.Equal(0, cache.Bytes);
    }

    [Fact]
    public void Set_PastCapacity_EvictsTheLeastRecentlyUsed()
    {
        HistoryCache cache = new(2);
        cache.Set("a", "x", History, 1);
        cache.Set("b", "x", History, 1);
        cache.Get("a", "x");

        cache.Set("c", "x", History, 1);

        Assert.NotNull(cache.Get("a", "x"));
        Assert.Null(cache.Get("b", "x"));
        Assert.NotNull(cache.Get("c", "x"));
    }

    [Fact]
    public void Set_KeepsACopy_SoTheCallersListCanGrow()
    {
        HistoryCache cache = new(10);
        List<HistoryEvent> events = [.. History];
        cache.Set("a", "x", events, 1);

        events.Add(new HistoryEvent { EventType = EventType.TimerCreated });

        Assert.Equal(2, cache.Get("a", "x")!.Value.Events.Count);
    }

    [Fact]
    public void CapacityZeroOrEmptyHistory_KeepsNothing()
    {
        HistoryCache off = new(0);
        HistoryCache on = new(10);

        off.Set("a", "x", History, 1);
        on.Set("a", "x", [], -1);

        Assert.Null(off.Get("a", "x"));
        Assert.Null(on.Get("a", "x"));
    }

    [Fact]
    public void RemoveAndClear_Forget()
    {
        HistoryCache cache = new(10);
        cache.Set("a", "x", History, 1);
        cache.Set("b", "x", History, 1);

        cache.Remove("a");
        int afterRemove = cache.Count;
        cache.Clear();

        Assert.Equal(1, afterRemove);
        Assert.Equal(0, cache.Count);
    }
}
