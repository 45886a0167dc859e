using System.Runtime.ExceptionServices;
using Durable.Core.Dispatch;
using Xunit;

namespace Durable.Core.Tests.Dispatch;

/// <summary>Every work item starts and ends a renewal; ending one must be cheap.</summary>
/// <remarks>
/// Alone, not beside other tests: it counts first-chance exceptions process-wide, and an engine test shutting down in
/// parallel (its work aborted mid-renewal) would be counted too.
/// </remarks>
[Collection(nameof(LeaseRenewalTests))]
[CollectionDefinition(nameof(LeaseRenewalTests), DisableParallelization = true)]
public sealed class LeaseRenewalTests
{
    [Fact]
    public async Task Dispose_BeforeTheFirstRenewal_ThrowsNoExceptionInside()
    {
        int thrownInRenewal = 0;
        void OnFirstChance(object? sender, FirstChanceExceptionEventArgs e)
        {
            // Process-wide event: count only exceptions raised on a renewal's own stack.
            if (Environment.StackTrace.Contains(nameof(LeaseRenewal), StringComparison.Ordinal))
            {
                Interlocked.Increment(ref thrownInRenewal);
            }
        }

        int renewals = 0;
        AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
        try
        {
            for (int i = 0; i < 20; i++)
            {
                await using LeaseRenewal renewal = LeaseRenewal.Start(
                    _ => Task.FromResult(Interlocked.Increment(ref renewals) > 0),
                    TimeSpan.FromMinutes(1),
                    TimeProvider.System,
                    _ => { });
                await Task.Yield();
            }
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= OnFirstChance;
        }

        Assert.Equal(0, renewals);
        Assert.Equal(0, thrownInRenewal);
    }

    [Fact]
    public async Task Renews_EveryThirdOfTheLease_UntilDisposed()
    {
        int renewals = 0;
        TaskCompletionSource twoRenewals = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (LeaseRenewal.Start(
            _ =>
            {
                if (Interlocked.Increment(ref renewals) == 2)
                {
                    twoRenewals.TrySetResult();
                }

                return Task.FromResult(true);
            },
            TimeSpan.FromMilliseconds(60),
            TimeProvider.System,
            _ => { }))
        {
            await twoRenewals.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        int afterDispose = Volatile.Read(ref renewals);
        await Task.Delay(100);

        Assert.Equal(afterDispose, Volatile.Read(ref renewals));
    }
}
