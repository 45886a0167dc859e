namespace Durable.Testing.Twilio;

/// <summary>What the fake keeps: the accepted SMS per phone number, the waiters for them, and forgetting a number.</summary>
public sealed partial class FakeTwilioServer
{
    // Only per number, never in one list of everything: the load-test tool forgets each number once its flow has the
    // code, and removing it from an all-messages list would cost a scan per flow. Arrival order comes from a counter.
    private readonly Dictionary<string, List<Entry>> acceptedByTo = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(int Count, TaskCompletionSource<FakeTwilioMessage> Done)>> waiters = new(StringComparer.Ordinal);
    private readonly HashSet<string> sentTo = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> listLag = new(StringComparer.Ordinal);
    private long arrivals;

    /// <summary>Every SMS accepted so far and not forgotten, oldest first.</summary>
    public IReadOnlyList<FakeTwilioMessage> Accepted
    {
        get
        {
            lock (this.gate)
            {
                return [.. this.AllEntries().Select(e => e.Message)];
            }
        }
    }

    /// <summary>How many SMS were accepted since the start, forgotten ones included.</summary>
    public long AcceptedTotal => Interlocked.Read(ref this.arrivals);

    /// <summary>The SMS accepted for <paramref name="to"/>, oldest first.</summary>
    /// <param name="to">The recipient.</param>
    /// <returns>The messages.</returns>
    public IReadOnlyList<FakeTwilioMessage> AcceptedFor(string to)
    {
        lock (this.gate)
        {
            return this.acceptedByTo.TryGetValue(to, out List<Entry>? entries) ? [.. entries.Select(e => e.Message)] : [];
        }
    }

    /// <summary>Completes when at least <paramref name="count"/> SMS were accepted for <paramref name="to"/>.</summary>
    /// <param name="to">The recipient.</param>
    /// <param name="count">How many.</param>
    /// <returns>The <paramref name="count"/>-th message to that number, once it is there (no timeout: bound it with <c>WaitAsync</c>).</returns>
    public Task<FakeTwilioMessage> WhenAcceptedAsync(string to, int count = 1)
    {
        lock (this.gate)
        {
            if (this.acceptedByTo.TryGetValue(to, out List<Entry>? entries) && entries.Count >= count)
            {
                return Task.FromResult(entries[count - 1].Message);
            }

            TaskCompletionSource<FakeTwilioMessage> done = new(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!this.waiters.TryGetValue(to, out List<(int, TaskCompletionSource<FakeTwilioMessage>)>? list))
            {
                this.waiters[to] = list = [];
            }

            list.Add((count, done));
            return done.Task;
        }
    }

    /// <summary>
    /// Forgets everything about <paramref name="to"/>: its messages (no longer listed), its scripted faults and list lag,
    /// and whether it was ever sent to; a waiter for it is cancelled. The load-test tool calls it once a flow has its code,
    /// so a run of 100,000 waiting flows holds nothing for them.
    /// </summary>
    /// <param name="to">The recipient.</param>
    public void Forget(string to)
    {
        lock (this.gate)
        {
            this.acceptedByTo.Remove(to);
            this.sentTo.Remove(to);
            this.listLag.Remove(to);
            this.faults.Remove(to);
            this.listFaults.Remove(to);
            if (this.waiters.Remove(to, out List<(int Count, TaskCompletionSource<FakeTwilioMessage> Done)>? list))
            {
                foreach ((_, TaskCompletionSource<FakeTwilioMessage> done) in list)
                {
                    done.TrySetCanceled();
                }
            }
        }
    }

    /// <summary>Records a message as if it had been accepted at <paramref name="created"/> (an earlier verification, say).</summary>
    /// <param name="to">The recipient.</param>
    /// <param name="body">The text.</param>
    /// <param name="created">When Twilio accepted it.</param>
    public void Seed(string to, string body, DateTimeOffset created)
    {
        lock (this.gate)
        {
            this.Add(new FakeTwilioMessage("SM" + Guid.NewGuid().ToString("N"), to, "+15005550006", body, created), 0);
        }
    }

    /// <summary>Hides each SMS accepted for <paramref name="to"/> from the first <paramref name="lookups"/> list requests that would show it.</summary>
    /// <param name="to">The recipient.</param>
    /// <param name="lookups">How many look-ups miss a just-accepted message (Twilio's list lags a moment).</param>
    public void SetListLag(string to, int lookups)
    {
        lock (this.gate)
        {
            this.listLag[to] = lookups;
        }
    }

    /// <summary>Notes a send to <paramref name="to"/>; true if it is the first (since the number was last forgotten).</summary>
    private bool FirstSendTo(string to)
    {
        lock (this.gate)
        {
            return this.sentTo.Add(to);
        }
    }

    /// <summary>
    /// The messages a list request sees, oldest first; each one still hidden by a list lag costs a look-up and is left out.
    /// </summary>
    private List<FakeTwilioMessage> ListVisible(string? to)
    {
        List<FakeTwilioMessage> visible = [];
        lock (this.gate)
        {
            IEnumerable<Entry> candidates = to is null ? this.AllEntries() : this.acceptedByTo.GetValueOrDefault(to) ?? [];
            foreach (Entry entry in candidates)
            {
                if (entry.HiddenLookups > 0)
                {
                    entry.HiddenLookups--;
                    continue;
                }

                visible.Add(entry.Message);
            }
        }

        return visible;
    }

    private FakeTwilioMessage Record(IReadOnlyDictionary<string, string> form)
    {
        string to = form.GetValueOrDefault("To", string.Empty);
        FakeTwilioMessage message = new("SM" + Guid.NewGuid().ToString("N"), to, form.GetValueOrDefault("From", string.Empty), form.GetValueOrDefault("Body", string.Empty), DateTimeOffset.UtcNow);
        lock (this.gate)
        {
            this.Add(message, this.listLag.GetValueOrDefault(to));
        }

        return message;
    }

    /// <summary>Called under the lock.</summary>
    private IEnumerable<Entry> AllEntries() => this.acceptedByTo.Values.SelectMany(e => e).OrderBy(e => e.Arrival);

    /// <summary>Called under the lock.</summary>
    private void Add(FakeTwilioMessage message, int hiddenLookups)
    {
        if (!this.acceptedByTo.TryGetValue(message.To, out List<Entry>? entries))
        {
            this.acceptedByTo[message.To] = entries = [];
        }

        entries.Add(new Entry(message, Interlocked.Increment(ref this.arrivals), hiddenLookups));
        if (this.waiters.TryGetValue(message.To, out List<(int Count, TaskCompletionSource<FakeTwilioMessage> Done)>? list))
        {
            for (int i = list.Count - 1; i >= 0; i--)
            {
                // A waiter for fewer was answered when it came; each arrival adds one, so "enough" is "exactly now".
                if (list[i].Count == entries.Count)
                {
                    list[i].Done.TrySetResult(message);
                    list.RemoveAt(i);
                }
            }

            if (list.Count == 0)
            {
                this.waiters.Remove(message.To);
            }
        }
    }

    /// <summary>An accepted message, its place in arrival order, and how many more look-ups it stays hidden from.</summary>
    private sealed class Entry(FakeTwilioMessage message, long arrival, int hiddenLookups)
    {
        public FakeTwilioMessage Message { get; } = message;

        public long Arrival { get; } = arrival;

        public int HiddenLookups { get; set; } = hiddenLookups;
    }
}
