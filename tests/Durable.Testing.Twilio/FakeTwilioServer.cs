using System.Collections.Concurrent;

namespace Durable.Testing.Twilio;

/// <summary>
/// A Twilio-compatible Messages API on 127.0.0.1 for every test project: <c>POST</c> creates (records) an SMS, <c>GET</c>
/// lists them newest first, filtered by <c>To</c>. Faults are scripted per phone number (<see cref="AddFaults"/>), the
/// list can lag behind accepted messages (<see cref="SetListLag"/>), and the whole server can speak HTTP/1.0 and close
/// every connection after its answer, as Python's <c>http.server</c> does.
/// </summary>
/// <remarks>
/// Written on a raw socket rather than Kestrel: Kestrel always answers HTTP/1.1 and cannot drop a connection at the
/// exact points the faults need. Unscripted sends are accepted with 201 and Twilio-shaped JSON.
/// </remarks>
public sealed partial class FakeTwilioServer : IAsyncDisposable
{
    /// <summary>The account the fake accepts.</summary>
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";

    /// <summary>The auth token the fake accepts. Not a real credential; unique enough that finding it in a log cannot be a coincidence.</summary>
    public const string AuthToken = "fake-token-7c41e09b5d2a";

    private readonly object gate = new();
    private readonly List<Entry> accepted = [];
    private readonly Dictionary<string, List<Entry>> acceptedByTo = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<TwilioFault>> faults = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<TwilioFault>> listFaults = new(StringComparer.Ordinal);
    private readonly List<(string To, int Count, TaskCompletionSource Done)> waiters = [];
    private readonly HashSet<string> sentTo = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> listLag = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeTwilioRequest> requests = new();
    private TaskCompletionSource<FakeTwilioMessage>? holdNext;
    private int lookups;

    /// <summary>The base URL to set as <c>TwilioApiBaseUrl</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Whether the server answers HTTP/1.0 and closes each connection after its answer.</summary>
    public bool Http10CloseAfterResponse { get; }

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<FakeTwilioRequest> Requests => [.. this.requests];

    /// <summary>Every SMS accepted so far, oldest first.</summary>
    public IReadOnlyList<FakeTwilioMessage> Accepted
    {
        get
        {
            lock (this.gate)
            {
                return [.. this.accepted.Select(e => e.Message)];
            }
        }
    }

    /// <summary>How many list (<c>GET</c>) requests were answered: each is an "was it sent?" look-up.</summary>
    public int Lookups => Volatile.Read(ref this.lookups);

    /// <summary>How long every unscripted send is answered after it was recorded (the SMS counts as sent on arrival): keeps sends in flight.</summary>
    public TimeSpan SendDelay { get; set; }

    /// <summary>How many TCP connections the server accepted.</summary>
    public int Connections => Volatile.Read(ref this.connections);

    /// <summary>Starts the server on a free loopback port.</summary>
    /// <param name="http10CloseAfterResponse">Answer <c>HTTP/1.0</c> without a <c>Connection</c> header and close after each answer.</param>
    /// <param name="authToken">The auth token requests must carry with <see cref="AccountSid"/> (default <see cref="AuthToken"/>).</param>
    /// <returns>The running server.</returns>
    public static FakeTwilioServer Start(bool http10CloseAfterResponse = false, string authToken = AuthToken)
    {
        FakeTwilioServer server = new(http10CloseAfterResponse, authToken);
        server.Listen();
        return server;
    }

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
    /// <returns>A task that completes then (no timeout: bound it with <c>WaitAsync</c>).</returns>
    public Task WhenAcceptedAsync(string to, int count = 1)
    {
        lock (this.gate)
        {
            if (this.acceptedByTo.TryGetValue(to, out List<Entry>? entries) && entries.Count >= count)
            {
                return Task.CompletedTask;
            }

            TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
            this.waiters.Add((to, count, done));
            return done.Task;
        }
    }

    /// <summary>
    /// Holds the next first send to a number: records it (Twilio had the whole request), then never answers, as a send
    /// cut by a crash of the client would leave it. Completes with that message once it is held.
    /// </summary>
    /// <returns>The held message.</returns>
    public Task<FakeTwilioMessage> HoldNextFirstSendAsync()
    {
        TaskCompletionSource<FakeTwilioMessage> held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref this.holdNext, held)?.TrySetCanceled();
        return held.Task;
    }

    /// <summary>Stops holding: a hold that caught nothing is cancelled.</summary>
    public void CancelHold() => Interlocked.Exchange(ref this.holdNext, null)?.TrySetCanceled();

    /// <summary>Queues faults for the next sends to <paramref name="to"/>, one per send; later sends are accepted normally.</summary>
    /// <param name="to">The recipient whose sends fail.</param>
    /// <param name="sequence">The faults, in order.</param>
    public void AddFaults(string to, params TwilioFault[] sequence) => this.Enqueue(this.faults, to, sequence);

    /// <summary>
    /// Queues faults for the next list requests filtered by <paramref name="to"/>: <see cref="TwilioFault.Error"/>,
    /// <see cref="TwilioFault.Raw"/> and <see cref="TwilioFault.CloseBeforeRecording"/> (close without answering) apply.
    /// </summary>
    /// <param name="to">The <c>To</c> filter of the failing look-ups.</param>
    /// <param name="sequence">The faults, in order.</param>
    public void AddListFaults(string to, params TwilioFault[] sequence) => this.Enqueue(this.listFaults, to, sequence);

    /// <summary>Records a message as if it had been accepted at <paramref name="created"/> (an earlier verification, say).</summary>
    /// <param name="to">The recipient.</param>
    /// <param name="body">The text.</param>
    /// <param name="created">When Twilio accepted it.</param>
    public void Seed(string to, string body, DateTimeOffset created)
    {
        lock (this.gate)
        {
            this.Add(new Entry(new FakeTwilioMessage("SM" + Guid.NewGuid().ToString("N"), to, "+15005550006", body, created), 0));
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

    /// <summary>Called under the lock.</summary>
    private void Add(Entry entry)
    {
        this.accepted.Add(entry);
        if (!this.acceptedByTo.TryGetValue(entry.Message.To, out List<Entry>? entries))
        {
            this.acceptedByTo[entry.Message.To] = entries = [];
        }

        entries.Add(entry);
        for (int i = this.waiters.Count - 1; i >= 0; i--)
        {
            if (this.waiters[i].To == entry.Message.To && entries.Count >= this.waiters[i].Count)
            {
                this.waiters[i].Done.TrySetResult();
                this.waiters.RemoveAt(i);
            }
        }
    }

    private void Enqueue(Dictionary<string, Queue<TwilioFault>> table, string to, TwilioFault[] sequence)
    {
        lock (this.gate)
        {
            if (!table.TryGetValue(to, out Queue<TwilioFault>? queue))
            {
                table[to] = queue = new Queue<TwilioFault>();
            }

            foreach (TwilioFault fault in sequence)
            {
                queue.Enqueue(fault);
            }
        }
    }

    private TwilioFault? NextFault(Dictionary<string, Queue<TwilioFault>> table, string to)
    {
        lock (this.gate)
        {
            return table.TryGetValue(to, out Queue<TwilioFault>? queue) && queue.TryDequeue(out TwilioFault? fault) ? fault : null;
        }
    }

    private FakeTwilioMessage Record(IReadOnlyDictionary<string, string> form)
    {
        string to = form.GetValueOrDefault("To", string.Empty);
        FakeTwilioMessage message = new("SM" + Guid.NewGuid().ToString("N"), to, form.GetValueOrDefault("From", string.Empty), form.GetValueOrDefault("Body", string.Empty), DateTimeOffset.UtcNow);
        lock (this.gate)
        {
            this.Add(new Entry(message, this.listLag.GetValueOrDefault(to)));
        }

        return message;
    }

    /// <summary>An accepted message and how many more look-ups it stays hidden from.</summary>
    private sealed class Entry(FakeTwilioMessage message, int hiddenLookups)
    {
        public FakeTwilioMessage Message { get; } = message;

        public int HiddenLookups { get; set; } = hiddenLookups;
    }
}
