using Durable.Core.Serialization;
using Newtonsoft.Json;

namespace Durable.Core.Execution;

/// <summary>
/// External events. Per name (case-insensitive): a stack of waiters and a FIFO buffer of payloads that
/// arrived while nobody waited. Early events are history, so replay rebuilds the buffer at the same spot.
/// </summary>
internal sealed partial class ReplayContext
{
    private readonly Dictionary<string, EventChannel> channels = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Payloads received but never handed to a waiter, in arrival order (for continue-as-new).</summary>
    internal IEnumerable<(string Name, string? Payload)> UnconsumedEvents =>
        this.channels.SelectMany(c => c.Value.Buffer.Select(p => (c.Key, p)));

    /// <summary>True when some code waits for an external event.</summary>
    internal bool HasEventWaiters => this.channels.Values.Any(c => c.Waiters.Count > 0);

    public override Task<T> WaitForExternalEvent<T>(string name)
    {
        this.ThrowIfNotOrchestratorThread();
        ArgumentException.ThrowIfNullOrEmpty(name);
        return this.AddWaiter<T>(name).Completion.Task;
    }

    public override Task<T> WaitForExternalEvent<T>(string name, TimeSpan timeout, CancellationToken cancelToken) =>
        this.WaitWithTimeoutAsync<T>(name, timeout, cancelToken, () => throw new TimeoutException($"Event {name} not received in {timeout}."));

    public override Task<T> WaitForExternalEvent<T>(string name, TimeSpan timeout, T defaultValue, CancellationToken cancelToken) =>
        this.WaitWithTimeoutAsync(name, timeout, cancelToken, () => defaultValue);

    private async Task<T> WaitWithTimeoutAsync<T>(string name, TimeSpan timeout, CancellationToken cancelToken, Func<T> onTimeout)
    {
        this.ThrowIfNotOrchestratorThread();
        ArgumentException.ThrowIfNullOrEmpty(name);
        Waiter<T> waiter = this.AddWaiter<T>(name);
        if (waiter.Completion.Task.IsCompleted)
        {
            return await waiter.Completion.Task;
        }

        using CancellationTokenSource timerCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancelToken);
        Task timer = this.CreateTimer(this.CurrentUtcDateTime + timeout, true, timerCancellation.Token);
        Task winner = await Task.WhenAny(waiter.Completion.Task, timer);
        if (winner == waiter.Completion.Task)
        {
            timerCancellation.Cancel();
            return await waiter.Completion.Task;
        }

        // A stale waiter must not swallow the next event of that name.
        this.channels[name].Waiters.Remove(waiter);
        if (timer.IsCanceled)
        {
            throw new TaskCanceledException(timer);
        }

        return onTimeout();
    }

    private Waiter<T> AddWaiter<T>(string name)
    {
        EventChannel channel = this.GetChannel(name);
        Waiter<T> waiter = new();
        if (channel.Buffer.Count > 0)
        {
            waiter.Deliver(channel.Buffer.Dequeue());
        }
        else
        {
            channel.Waiters.Add(waiter);
        }

        return waiter;
    }

    private void DeliverEvent(string name, string? payload)
    {
        EventChannel channel = this.GetChannel(name);
        if (channel.Waiters.Count == 0)
        {
            channel.Buffer.Enqueue(payload);
            return;
        }

        // Newest waiter first, as Durable Functions does: loops that race an event against a timer leave
        // older waiters behind, and the event belongs to the wait the code is in now.
        IWaiter waiter = channel.Waiters[^1];
        channel.Waiters.RemoveAt(channel.Waiters.Count - 1);
        waiter.Deliver(payload);
    }

    private EventChannel GetChannel(string name)
    {
        if (!this.channels.TryGetValue(name, out EventChannel? channel))
        {
            channel = new EventChannel();
            this.channels.Add(name, channel);
        }

        return channel;
    }

    private interface IWaiter
    {
        void Deliver(string? payload);
    }

    private sealed class EventChannel
    {
        public List<IWaiter> Waiters { get; } = [];

        public Queue<string?> Buffer { get; } = new();
    }

    private sealed class Waiter<T> : IWaiter
    {
        public TaskCompletionSource<T> Completion { get; } = new();

        public void Deliver(string? payload)
        {
            try
            {
                this.Completion.SetResult(JsonDataConverter.Deserialize<T>(payload)!);
            }
            catch (JsonException ex)
            {
                this.Completion.SetException(new InvalidOperationException($"The event payload cannot be read as {typeof(T).Name}: {ex.Message}", ex));
            }
        }
    }
}
