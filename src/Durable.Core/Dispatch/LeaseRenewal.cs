namespace Durable.Core.Dispatch;

/// <summary>
/// Keeps a work item's lease alive while it runs: renews every third of the lease, so one missed renewal
/// (a slow store) still leaves time for the next before another worker may take the item over.
/// </summary>
internal sealed class LeaseRenewal : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    private LeaseRenewal(Func<CancellationToken, Task<bool>> renewAsync, TimeSpan leaseDuration, TimeProvider time, Action<Exception?> onFailure)
    {
        this.loop = this.RunAsync(renewAsync, leaseDuration / 3, time, onFailure);
    }

    public static LeaseRenewal Start(Func<CancellationToken, Task<bool>> renewAsync, TimeSpan leaseDuration, TimeProvider time, Action<Exception?> onFailure) =>
        new(renewAsync, leaseDuration, time, onFailure);

    public async ValueTask DisposeAsync()
    {
        this.stop.Cancel();
        await this.loop.ConfigureAwait(false);
        this.stop.Dispose();
    }

    private async Task RunAsync(Func<CancellationToken, Task<bool>> renewAsync, TimeSpan interval, TimeProvider time, Action<Exception?> onFailure)
    {
        while (true)
        {
            // Nearly every episode ends before its first renewal, so ending the wait must not throw: an exception per
            // work item was a measurable share of the host's CPU under load.
            await Task.Delay(interval, time, this.stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (this.stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                if (!await renewAsync(this.stop.Token).ConfigureAwait(false))
                {
                    onFailure(null);
                    return;
                }
            }
            catch (OperationCanceledException) when (this.stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                onFailure(ex);
            }
        }
    }
}
