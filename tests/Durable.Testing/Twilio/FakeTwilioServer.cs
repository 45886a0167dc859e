using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;

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
    private TaskCompletionSource<FakeTwilioMessage>? holdNext;
    private readonly Dictionary<string, int> listLag = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeTwilioRequest> requests = new();
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

    /// <summary>Answers one request; null means "close the connection without answering".</summary>
    private async Task<Response?> HandleAsync(FakeTwilioRequest request, CancellationToken stopping)
    {
        this.requests.Enqueue(request);
        // Any prefix before /2010-04-01 is accepted: a base URL may carry a path (a fake mounted under /edge, say).
        if (!request.Path.Contains("/2010-04-01/Accounts/", StringComparison.Ordinal) || !request.Path.EndsWith("/Messages.json", StringComparison.Ordinal))
        {
            return Response.Json(404, """{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}""");
        }

        string expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{this.authToken}"));
        if (request.Authorization != expected)
        {
            return Response.Json(401, """{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}""");
        }

        if (request.Method == "GET")
        {
            return this.List(request);
        }

        if (request.Method != "POST")
        {
            return Response.Json(405, """{"code":20004,"message":"Method not allowed","more_info":"https://www.twilio.com/docs/errors/20004","status":405}""");
        }

        string to = request.Form.GetValueOrDefault("To", string.Empty);
        bool firstSend;
        lock (this.gate)
        {
            firstSend = this.sentTo.Add(to);
        }

        // Only a number's first send is held: holding every resend of one activity would only test the poison cap.
        if (firstSend && Interlocked.Exchange(ref this.holdNext, null) is { } hold)
        {
            hold.TrySetResult(this.Record(request.Form));
            await Task.Delay(Timeout.Infinite, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            return null;
        }

        TwilioFault? fault = this.NextFault(this.faults, to);
        switch (fault?.Kind)
        {
            case TwilioFaultKind.CloseBeforeRecording:
                return null;
            case TwilioFaultKind.CloseAfterRecording:
                this.Record(request.Form);
                return null;
            case TwilioFaultKind.Answer:
                return new Response(fault.Status, fault.ContentType, fault.Body, fault.RetryAfter);
            case TwilioFaultKind.SlowAfterRecording:
                FakeTwilioMessage late = this.Record(request.Form);
                await Task.Delay(fault.Delay, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
                return Created(late);
            default:
                return Created(this.Record(request.Form));
        }
    }

    private Response? List(FakeTwilioRequest request)
    {
        Interlocked.Increment(ref this.lookups);
        Dictionary<string, string> query = ParseForm(request.Query);
        string? to = query.GetValueOrDefault("To");
        if (to is not null && this.NextFault(this.listFaults, to) is TwilioFault fault)
        {
            return fault.Kind == TwilioFaultKind.Answer ? new Response(fault.Status, fault.ContentType, fault.Body, fault.RetryAfter) : null;
        }
        List<FakeTwilioMessage> visible = [];
        lock (this.gate)
        {
            IEnumerable<Entry> candidates = to is null ? this.accepted : this.acceptedByTo.GetValueOrDefault(to) ?? [];
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

        visible.Reverse();
        string items = string.Join(',', visible.Select(MessageJson));
        return Response.Json(200, $$"""{"messages":[{{items}}],"page_size":{{visible.Count}},"page":0}""");
    }

    private static Response Created(FakeTwilioMessage message) => Response.Json(201, MessageJson(message));

    private static string MessageJson(FakeTwilioMessage m) =>
        $$"""{"sid":"{{m.Sid}}","account_sid":"{{AccountSid}}","to":{{Quote(m.To)}},"from":{{Quote(m.From)}},"body":{{Quote(m.Body)}},"status":"queued","date_created":"{{m.Created.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture)}}","api_version":"2010-04-01"}""";

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static Dictionary<string, string> ParseForm(string text)
    {
        Dictionary<string, string> fields = new(StringComparer.Ordinal);
        foreach (string pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string name = WebUtility.UrlDecode(eq < 0 ? pair : pair[..eq]);
            fields[name] = eq < 0 ? string.Empty : WebUtility.UrlDecode(pair[(eq + 1)..]);
        }

        return fields;
    }

    /// <summary>An accepted message and how many more look-ups it stays hidden from.</summary>
    private sealed class Entry(FakeTwilioMessage message, int hiddenLookups)
    {
        public FakeTwilioMessage Message { get; } = message;

        public int HiddenLookups { get; set; } = hiddenLookups;
    }

    /// <summary>An answer to write.</summary>
    private sealed record Response(int Status, string ContentType, string Body, string? RetryAfter)
    {
        public static Response Json(int status, string body) => new(status, "application/json", body, null);
    }
}
