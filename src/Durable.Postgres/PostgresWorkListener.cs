using Npgsql;

namespace Durable.Postgres;

/// <summary>
/// One LISTEN connection per store object: turns the <c>NOTIFY</c>s that other writers queue on commit
/// (<c>kind:sender:hub</c>) into wake-up callbacks for the subscribers of that hub; its own store's are skipped. A lost connection is re-opened with
/// back-off; after every (re)connect all subscribers are woken once, since notifications sent while nobody
/// listened are gone (the dispatchers' polling fallback covers the gap meanwhile).
/// </summary>
internal sealed class PostgresWorkListener : IAsyncDisposable
{
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(5);

    private readonly PostgresDatabase database;
    private readonly string channel;
    private readonly string sender;
    private readonly TimeSpan keepAlive;
    private readonly CancellationTokenSource stop = new();
    private readonly object gate = new();
    private readonly List<Subscription> subscriptions = [];
    private Task loop = Task.CompletedTask;
    private bool started;

    public PostgresWorkListener(PostgresDatabase database, string channel, string sender, TimeSpan keepAlive)
    {
        this.database = database;
        this.channel = channel;
        this.sender = sender;
        this.keepAlive = keepAlive;
    }

    /// <summary>Calls <paramref name="onWork"/> with the work kind for every notification of <paramref name="hub"/>.</summary>
    public IDisposable Subscribe(string hub, Action<string> onWork)
    {
        Subscription subscription = new(this, hub, onWork);
        lock (this.gate)
        {
            this.subscriptions.Add(subscription);
            if (!this.started)
            {
                this.started = true;
                this.loop = Task.Run(this.ListenAsync);
            }
        }

        return subscription;
    }

    public async ValueTask DisposeAsync()
    {
        await this.stop.CancelAsync().ConfigureAwait(false);
        await this.loop.ConfigureAwait(false);
        this.stop.Dispose();
    }

    private async Task ListenAsync()
    {
        TimeSpan reconnectDelay = TimeSpan.FromMilliseconds(100);
        CancellationToken token = this.stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await using NpgsqlConnection connection = await this.database.ListenSource.OpenConnectionAsync(token).ConfigureAwait(false);
                connection.Notification += (_, e) => this.Dispatch(e.Payload);
                await using (NpgsqlCommand listen = new($"LISTEN \"{this.channel}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                reconnectDelay = TimeSpan.FromMilliseconds(100);
                this.Dispatch(null);
                while (!token.IsCancellationRequested)
                {
                    // A quiet period ends with a round trip, so a dead connection is noticed and replaced.
                    if (!await connection.WaitAsync(this.keepAlive, token).ConfigureAwait(false))
                    {
                        await using NpgsqlCommand ping = new("SELECT 1", connection);
                        await ping.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                // Server restarting or unreachable: wait and listen again. Work is still found by polling meanwhile.
                try
                {
                    await Task.Delay(reconnectDelay, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                reconnectDelay = reconnectDelay * 2 > MaxReconnectDelay ? MaxReconnectDelay : reconnectDelay * 2;
            }
        }
    }

    /// <summary>Routes "kind:sender:hub" to that hub's subscribers; null (a reconnect) wakes everyone for everything.</summary>
    private void Dispatch(string? payload)
    {
        string kind = string.Empty;
        string? hub = null;
        if (payload is not null)
        {
            string[] parts = payload.Split(':', 3);
            if (parts.Length < 3 || parts[1] == this.sender)
            {
                return;
            }

            kind = parts[0];
            hub = parts[2];
        }

        Subscription[] targets;
        lock (this.gate)
        {
            targets = [.. this.subscriptions];
        }

        foreach (Subscription s in targets)
        {
            if (hub is null || string.Equals(s.Hub, hub, StringComparison.Ordinal))
            {
                s.OnWork(kind);
            }
        }
    }

    private sealed class Subscription : IDisposable
    {
        private readonly PostgresWorkListener owner;

        public Subscription(PostgresWorkListener owner, string hub, Action<string> onWork)
        {
            this.owner = owner;
            this.Hub = hub;
            this.OnWork = onWork;
        }

        public string Hub { get; }

        public Action<string> OnWork { get; }

        public void Dispose()
        {
            lock (this.owner.gate)
            {
                this.owner.subscriptions.Remove(this);
            }
        }
    }
}
