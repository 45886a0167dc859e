using Durable.Core.Storage;
using Durable.Core.Tests.Fakes;
using Durable.Testing;
using Xunit;

namespace Durable.Core.Tests.Dispatch;

/// <summary>The commit-or-abandon path every work item takes, orchestration or activity.</summary>
public sealed class WorkItemProcessorTests
{
    private static readonly DurableEngineOptions Options = new() { LeaseDuration = TimeSpan.FromSeconds(30), MaxDequeueCount = 5 };

    [Fact]
    public async Task ProcessAsync_RunSucceeds_CompletesAndReportsCommitted()
    {
        // Arrange
        RecordingWorkItemProcessor processor = new(Options, new FakeTimeProvider());

        // Act
        await processor.ProcessAsync("i1", CancellationToken.None);

        // Assert
        Assert.Equal(["run", "complete:done", "committed:done"], processor.Calls);
        Assert.Equal(["commit-starting", "committed:done", "disposed"], processor.Scope);
    }

    [Fact]
    public async Task ProcessAsync_ScopeOpensAfterAnAsyncLookUp_StaysCurrentWhileTheWorkRuns()
    {
        // Arrange: the scope sets an async-local value, as a span becomes Activity.Current.
        RecordingWorkItemProcessor processor = new(Options, new FakeTimeProvider());

        // Act
        await processor.ProcessAsync("i1", CancellationToken.None);

        // Assert: the function runs under its span (an activity's HTTP calls join its trace).
        Assert.Equal("i1", processor.CurrentDuringRun);
    }

    [Fact]
    public async Task ProcessAsync_RunThrows_AbandonsAfterRetryDelay()
    {
        // Arrange
        RecordingWorkItemProcessor processor = new(Options, new FakeTimeProvider())
        {
            Run = _ => Task.FromException<string>(new InvalidOperationException("could not run (test)")),
        };

        // Act
        await processor.ProcessAsync("i1", CancellationToken.None);

        // Assert: nothing stored; the scope ends as abandoned.
        Assert.Equal(["run", "abandon:1000"], processor.Calls);
        Assert.Equal(["disposed"], processor.Scope);
    }

    [Fact]
    public async Task ProcessAsync_RunCancelledByShutdown_AbandonsAtOnce()
    {
        // Arrange: shutdown cancels the run on its last attempt, which must not park it.
        using CancellationTokenSource stopping = new();
        stopping.Cancel();
        RecordingWorkItemProcessor processor = new(Options, new FakeTimeProvider())
        {
            Attempts = Options.MaxDequeueCount,
            Run = ct => Task.FromCanceled<string>(ct),
        };

        // Act
        await processor.ProcessAsync("i1", stopping.Token);

        // Assert
        Assert.Equal(["run", "abandon:0"], processor.Calls);
    }

    [Fact]
    public async Task ProcessAsync_AttemptsPastTheCap_ParkedWithoutRunning()
    {
        // Arrange
        RecordingWorkItemProcessor processor = new(Options, new FakeTimeProvider()) { Attempts = Options.MaxDequeueCount + 1 };

        // Act
        await processor.ProcessAsync("i1", CancellationToken.None);

        // Assert: the earlier attempts are the failed ones.
        Assert.Equal(["give-up:5:none", "complete:parked", "committed:parked"], processor.Calls);
    }

    [Fact]
    public async Task ProcessAsync_AttemptsPastTheCapButNotParkable_Runs()
    {
        // Arrange
        RecordingWorkItemProcessor processor = new(Options, new FakeTimeProvider()) { Attempts = Options.MaxDequeueCount + 1, Parkable = false };

        // Act
        await processor.ProcessAsync("i1", CancellationToken.None);

        // Assert
        Assert.Equal(["run", "complete:done", "committed:done"], processor.Calls);
    }

    [Fact]
    public async Task ProcessAsync_LastAttemptFailsToRun_ParkedWithTheError()
    {
        // Arrange
        RecordingWorkItemProcessor processor = new(Options, new FakeTimeProvider())
        {
            Attempts = Options.MaxDequeueCount,
            Run = _ => Task.FromException<string>(new InvalidOperationException("could not run (test)")),
        };

        // Act
        await processor.ProcessAsync("i1", CancellationToken.None);

        // Assert
        Assert.Equal(["run", "give-up:5:InvalidOperationException", "complete:parked", "committed:parked"], processor.Calls);
    }

    [Fact]
    public async Task ProcessAsync_CompleteLosesTheLease_DroppedWithoutAbandoning()
    {
        // Arrange
        RecordingWorkItemProcessor processor = new(Options, new FakeTimeProvider())
        {
            Complete = _ => Task.FromException(new LeaseLostException("another lease (test)")),
        };

        // Act
        await processor.ProcessAsync("i1", CancellationToken.None);

        // Assert: the lease is someone else's now, so there is nothing to hand back.
        Assert.Equal(["run", "complete:done"], processor.Calls);
        Assert.Equal(["commit-starting", "lease-lost", "disposed"], processor.Scope);
    }

    [Fact]
    public async Task ProcessAsync_CompleteFails_AbandonsAfterRetryDelay()
    {
        // Arrange
        RecordingWorkItemProcessor processor = new(Options, new FakeTimeProvider())
        {
            Complete = _ => Task.FromException(new InvalidOperationException("constraint violated (test)")),
        };

        // Act
        await processor.ProcessAsync("i1", CancellationToken.None);

        // Assert
        Assert.Equal(["run", "complete:done", "abandon:1000"], processor.Calls);
        Assert.Equal(["commit-starting", "disposed"], processor.Scope);
    }

    [Fact]
    public async Task ProcessAsync_AbandonFails_EndsWithoutThrowing()
    {
        // Arrange: the lease then simply expires.
        RecordingWorkItemProcessor processor = new(Options, new FakeTimeProvider())
        {
            Run = _ => Task.FromException<string>(new InvalidOperationException("could not run (test)")),
            Abandon = _ => Task.FromException(new StoreUnavailableException("disk full (test)")),
        };

        // Act
        Exception? thrown = await Record.ExceptionAsync(() => processor.ProcessAsync("i1", CancellationToken.None));

        // Assert
        Assert.Null(thrown);
        Assert.Equal(["run", "abandon:1000"], processor.Calls);
    }
}
