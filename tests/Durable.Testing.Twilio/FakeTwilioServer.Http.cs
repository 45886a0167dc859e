using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Durable.Testing.Twilio;

/// <summary>The socket side: just enough HTTP/1.x (Content-Length bodies, keep-alive or close-after-response).</summary>
public sealed partial class FakeTwilioServer
{
    private const int MaxHeaderBytes = 64 * 1024;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentBag<Task> serving = [];
    private readonly ConcurrentBag<Socket> sockets = [];
    private TcpListener listener = null!;
    private Task acceptLoop = Task.CompletedTask;
    private int connections;
    private int disposed;

    /// <summary>The <c>Authorization</c> header every request must carry; null: any Basic credentials.</summary>
    private readonly string? expectedAuthorization;

    private FakeTwilioServer(bool http10CloseAfterResponse, string? authToken, bool recordRequests)
    {
        this.Http10CloseAfterResponse = http10CloseAfterResponse;
        this.expectedAuthorization = authToken is null ? null : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{authToken}"));
        this.requests = recordRequests ? new ConcurrentQueue<FakeTwilioRequest>() : null;
    }

    /// <summary>Stops listening and closes every connection; a held (slow) answer is abandoned.</summary>
    /// <returns>A task that completes when every connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        // Idempotent: a test may stop the server early to make Twilio unreachable.
        if (Interlocked.Exchange(ref this.disposed, 1) == 1)
        {
            return;
        }

        await this.stopping.CancelAsync();
        this.listener.Stop();
        foreach (Socket socket in this.sockets)
        {
            socket.Dispose();
        }

        await Task.WhenAll([this.acceptLoop, .. this.serving]).ContinueWith(_ => { }, TaskScheduler.Default);
        this.stopping.Dispose();
    }

    private void Listen(int port)
    {
        this.listener = new TcpListener(IPAddress.Loopback, port);
        this.listener.Start(backlog: 512);
        this.BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)this.listener.LocalEndpoint).Port}");
        this.acceptLoop = Task.Run(this.AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        while (!this.stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await this.listener.AcceptSocketAsync(this.stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref this.connections);
            this.sockets.Add(socket);
            this.serving.Add(Task.Run(() => this.ServeAsync(socket)));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        CancellationToken stop = this.stopping.Token;
        byte[] buffer = new byte[MaxHeaderBytes];
        int filled = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                (FakeTwilioRequest? request, filled) = await ReadRequestAsync(socket, buffer, filled, stop);
                if (request is null)
                {
                    return;
                }

                Response? response = await this.HandleAsync(request, stop);
                if (response is null)
                {
                    // The fault: the connection drops with no answer.
                    return;
                }

                bool close = this.Http10CloseAfterResponse
                    || request.Version == "HTTP/1.0"
                    || string.Equals(request.Headers.GetValueOrDefault("connection"), "close", StringComparison.OrdinalIgnoreCase);
                await socket.SendAsync(Encode(response, this.Http10CloseAfterResponse, close && !this.Http10CloseAfterResponse), SocketFlags.None, stop);
                if (close)
                {
                    // As Python's socketserver does after each request: half-close, then close.
                    socket.Shutdown(SocketShutdown.Send);
                    return;
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The client went away or the server is stopping.
        }
        finally
        {
            socket.Dispose();
        }
    }

    private static byte[] Encode(Response response, bool http10, bool sayClose)
    {
        byte[] body = Encoding.UTF8.GetBytes(response.Body);
        StringBuilder head = new();
        head.Append(http10 ? "HTTP/1.0 " : "HTTP/1.1 ").Append(response.Status).Append(' ').Append(Reason(response.Status)).Append("\r\n");
        head.Append(http10 ? "Server: BaseHTTP/0.6 Python/3.11\r\n" : "Server: FakeTwilio\r\n");
        head.Append("Date: ").Append(DateTimeOffset.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
        head.Append("Content-Type: ").Append(response.ContentType).Append("\r\n");
        head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        if (response.RetryAfter is not null)
        {
            head.Append("Retry-After: ").Append(response.RetryAfter).Append("\r\n");
        }

        if (sayClose)
        {
            head.Append("Connection: close\r\n");
        }

        head.Append("\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };

    /// <summary>Reads one request (head, then a Content-Length body); null at a clean end of the connection.</summary>
    private static async Task<(FakeTwilioRequest? Request, int Filled)> ReadRequestAsync(Socket socket, byte[] buffer, int filled, CancellationToken stop)
    {
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(buffer, filled)) < 0)
        {
            if (filled == buffer.Length)
            {
                throw new IOException("Request head too large.");
            }

            int read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, stop);
            if (read == 0)
            {
                return (null, 0);
            }

            filled += read;
        }

        string[] lines = Encoding.ASCII.GetString(buffer, 0, headEnd).Split("\r\n");
        string[] start = lines[0].Split(' ');
        Dictionary<string, string> headers = new(StringComparer.Ordinal);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
            }
        }

        int length = headers.TryGetValue("content-length", out string? text) ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : 0;
        int bodyStart = headEnd + 4;
        byte[] body = new byte[length];
        int have = Math.Min(length, filled - bodyStart);
        Array.Copy(buffer, bodyStart, body, 0, have);
        while (have < length)
        {
            int read = await socket.ReceiveAsync(body.AsMemory(have), SocketFlags.None, stop);
            if (read == 0)
            {
                return (null, 0);
            }

            have += read;
        }

        // Keep whatever followed this request (a pipelined next one) at the start of the buffer.
        int used = bodyStart + Math.Min(length, filled - bodyStart);
        int rest = filled - used;
        Array.Copy(buffer, used, buffer, 0, rest);

        string target = start.Length > 1 ? start[1] : "/";
        int q = target.IndexOf('?', StringComparison.Ordinal);
        string rawBody = Encoding.UTF8.GetString(body);
        bool isForm = headers.GetValueOrDefault("content-type", string.Empty).StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
        FakeTwilioRequest request = new(
            start[0],
            q < 0 ? target : target[..q],
            q < 0 ? string.Empty : target[(q + 1)..],
            start.Length > 2 ? start[2] : "HTTP/1.0",
            headers,
            rawBody,
            isForm ? ParseForm(rawBody) : new Dictionary<string, string>());
        return (request, rest);
    }

    private static int IndexOfHeadEnd(byte[] buffer, int filled) => buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
}
