using Durable.Core.Storage;
using Npgsql;

namespace Durable.Postgres;

/// <summary>
/// Sends the NOTIFYs that wake other hosts, after the writes they announce have committed, from outside those
/// transactions. PostgreSQL serializes the commits of transactions that NOTIFY (they queue behind one lock, held
/// through the WAL flush), so a NOTIFY inside every write transaction turns group commit into one fsync at a time.
/// Here one small statement of its own carries them, and while it is in flight new wake-ups of the same kind coalesce
/// into the next one. A wake-up lost in a crash between a commit and its NOTIFY is covered by the other hosts' polling,
/// as a lost notification always is.
/// </summary>
internal sealed class PostgresWorkNotifier : IAsyncDisposable
{
    private readonly PostgresDatabase database;
    private readonly string channel;
    private readonly Func<string, string> notice;
    private readonly object gate = new();
    private readonly HashSet<string> pending = [];
    private Task sending = Task.CompletedTask;
    private bool running;

    /// <param name="database">The pool the NOTIFY statements run on.</param>
    /// <param name="channel">The channel the hosts LISTEN on.</param>
    /// <param name="notice">A notification's text for a work kind.</param>
    public PostgresWorkNotifier(PostgresDatabase database, string channel, Func<string, string> notice)
    {
        this.database = database;
        this.channel = channel;
        this.notice = notice;
    }

    /// <summary>Wakes other hosts for <paramref name="kind"/> of work, soon; call it after the write committed.</summary>
    public void Signal(string kind)
    {
        lock (this.gate)
        {
            if (!this.pending.Add(kind) || this.running)
            {
                return;
            }

            this.running = true;
            this.sending = Task.Run(this.SendAsync);
        }
    }

    /// <summary>Sends what is still pending, then returns (a command-line write must reach the hosts before the process ends).</summary>
    public async ValueTask DisposeAsync()
    {
        Task last;
        lock (this.gate)
        {
            last = this.sending;
        }

        await last.ConfigureAwait(false);
    }

    private async Task SendAsync()
    {
        while (true)
        {
            string[] payloads;
            lock (this.gate)
            {
                if (this.pending.Count == 0)
                {
                    this.running = false;
                    return;
                }

                payloads = [.. this.pending.Select(this.notice)];
                this.pending.Clear();
            }

            try
            {
                await this.database.ReadAsync(
                    s => s.ExecuteAsync("SELECT pg_notify(@channel, p) FROM unnest(@payloads) AS p", CancellationToken.None, ("channel", this.channel), ("payloads", payloads)),
                    CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or StoreUnavailableException or IOException or TimeoutException or InvalidOperationException)
            {
                // Left to the other hosts' polling: the write itself is committed.
            }
        }
    }
}
