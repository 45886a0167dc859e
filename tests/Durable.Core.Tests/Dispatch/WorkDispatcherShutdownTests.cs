using Durable.Core.Dispatch;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Durable.Core.Tests.Dispatch;

/// <summary>Stopping must end the lease loop quietly whichever store call the stop interrupts.</summary>
public sealed class WorkDispatcherShutdownTests
{
    [Fact]
    public async Task Stop_WhileAskingTheStoreForTheNextWakeUp_EndsWithoutThrowing()
    {
        using CancellationTokenSource stop = new();
        TaskCompletionSource askingForWakeUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
        WorkDispatcher<object> dispatcher = new(
            "test",
            slots: new SemaphoreSlim(1),
            leaseAsync: (_, _) => Task.FromResult<object?>(null),
            runningKey: _ => null,
            processAsync: (_, _) => Task.FromResult<object?>(null),
            nextWakeUpAsync: async token =>
            {
                // As a store does when its connection wait is cancelled: throws OperationCanceledException.
                askingForWakeUp.TrySetResult();
                await Task.Delay(Timeout.Infinite, token);
                return null;
            },
            new WorkSignal(),
            TimeProvider.System,
            new PollingBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)),
            NullLogger.Instance);

        Task run = dispatcher.RunAsync(stop.Token, CancellationToken.None);
        await askingForWakeUp.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Stop_WhileLeasing_EndsWithoutThrowing()
    {
        using CancellationTokenSource stop = new();
        TaskCompletionSource leasing = new(TaskCreationOptions.RunContinuationsAsynchronously);
        WorkDispatcher<object> dispatcher = new(
            "test",
            slots: new SemaphoreSlim(1),
            leaseAsync: async (_, token) =>
            {
                leasing.TrySetResult();
                await Task.Delay(Timeout.Infinite, token);
                return null;
            },
            runningKey: _ => null,
            processAsync: (_, _) => Task.FromResult<object?>(null),
            nextWakeUpAsync: _ => Task.FromResult<DateTimeOffset?>(null),
            new WorkSignal(),
            TimeProvider.System,
            new PollingBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)),
            NullLogger.Instance);

        Task run = dispatcher.RunAsync(stop.Token, CancellationToken.None);
        await leasing.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(run.IsCompletedSuccessfully);
    }
}
