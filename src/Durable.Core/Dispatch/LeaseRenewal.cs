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
            try
            {
                await Task.Delay(interval, time, this.stop.Token).ConfigureAwait(false);
                if (!await renewAsync(this.stop.Token).ConfigureAwait(false))
                {
                    onFailure(null);
                    return;
                }
            }
            catch (OperationCanceledException)
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
