using System.Collections.Concurrent;

namespace Durable.Testing.Twilio;

/// <summary>
/// The one Twilio-compatible Messages API on 127.0.0.1, for every test project and the load-test tool: <c>POST</c>
/// creates (records) an SMS, <c>GET</c> lists them newest first, filtered by <c>To</c>. Faults are scripted per phone
/// number (<see cref="AddFaults"/>), the list can lag behind accepted messages (<see cref="SetListLag"/>), and the whole
/// server can speak HTTP/1.0 and close every connection after its answer, as Python's <c>http.server</c> does.
/// </summary>
/// <remarks>
/// Written on a raw socket rather than Kestrel: Kestrel always answers HTTP/1.1 and cannot drop a connection at the
/// exact points the faults need. Unscripted sends are accepted with 201 and Twilio-shaped JSON. Under load (the tool's
/// 100,000 waiting flows) it holds only what is not yet <see cref="Forget">forgotten</see>, and keeps no request log
/// unless asked to.
/// </remarks>
public sealed partial class FakeTwilioServer : IAsyncDisposable
{
    /// <summary>The account the fake accepts.</summary>
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";

    /// <summary>The auth token the fake accepts. Not a real credential; unique enough that finding it in a log cannot be a coincidence.</summary>
    public const string AuthToken = "fake-token-7c41e09b5d2a";

    private readonly object gate = new();
    private readonly Dictionary<string, Queue<TwilioFault>> faults = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<TwilioFault>> listFaults = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeTwilioRequest>? requests;
    private TaskCompletionSource<FakeTwilioMessage>? holdNext;
    private int lookups;

    /// <summary>The base URL to set as <c>TwilioApiBaseUrl</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Whether the server answers HTTP/1.0 and closes each connection after its answer.</summary>
    public bool Http10CloseAfterResponse { get; }

    /// <summary>Every request so far, in arrival order.</summary>
    /// <exception cref="InvalidOperationException">The server was started without recording requests.</exception>
    public IReadOnlyList<FakeTwilioRequest> Requests =>
        this.requests is null ? throw new InvalidOperationException("This fake was started with recordRequests: false.") : [.. this.requests];

    /// <summary>How many list (<c>GET</c>) requests were answered: each is an "was it sent?" look-up.</summary>
    public int Lookups => Volatile.Read(ref this.lookups);

    /// <summary>How long every unscripted send is answered after it was recorded (the SMS counts as sent on arrival): keeps sends in flight.</summary>
    public TimeSpan SendDelay { get; set; }

    /// <summary>How many TCP connections the server accepted.</summary>
    public int Connections => Volatile.Read(ref this.connections);

    /// <summary>Starts the server on a loopback port.</summary>
    /// <param name="http10CloseAfterResponse">Answer <c>HTTP/1.0</c> without a <c>Connection</c> header and close after each answer.</param>
    /// <param name="authToken">
    /// The auth token requests must carry with <see cref="AccountSid"/> (default <see cref="AuthToken"/>); null accepts any
    /// Basic credentials, for a host whose settings the caller does not choose (the load-test tool's <c>--base-url</c>).
    /// </param>
    /// <param name="port">The port; 0 (default) takes a free one.</param>
    /// <param name="recordRequests">
    /// Keep every request for <see cref="Requests"/> (default). The load-test tool turns it off: a log of every request
    /// of a long run would only grow.
    /// </param>
    /// <returns>The running server.</returns>
    public static FakeTwilioServer Start(bool http10CloseAfterResponse = false, string? authToken = AuthToken, int port = 0, bool recordRequests = true)
    {
        FakeTwilioServer server = new(http10CloseAfterResponse, authToken, recordRequests);
        server.Listen(port);
        return server;
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
}
