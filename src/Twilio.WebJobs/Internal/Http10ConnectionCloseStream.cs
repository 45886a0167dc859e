namespace Twilio.WebJobs.Internal;

/// <summary>
/// Makes <see cref="SocketsHttpHandler"/> close a connection after an HTTP/1.0 answer, as RFC 9112 §9.3 asks of a client
/// unless the server offered keep-alive: it adds <c>Connection: close</c> right after such an answer's status line as it
/// is read. (A rare HTTP/1.0 server that does offer keep-alive loses it too: the cost is one connection per request.)
/// </summary>
/// <remarks>
/// Why: SocketsHttpHandler keeps an HTTP/1.0 connection in its pool when the answer had a Content-Length and no
/// <c>Connection</c> header. A server that closes after each answer (Python's <c>http.server</c>, many test fakes) then
/// has its closed socket handed to the next request, which is written and met by "The response ended prematurely".
/// Whether that request reached the server cannot be told from the client, so the send's outcome becomes unknown; with
/// this wrapper the next request opens a fresh connection instead. HTTP/1.1 and HTTP/2 traffic passes through untouched.
/// </remarks>
internal sealed class Http10ConnectionCloseStream : Stream
{
    private static readonly byte[] Http10 = "HTTP/1.0 "u8.ToArray();
    private static readonly byte[] CloseHeader = "Connection: close\r\n"u8.ToArray();
    private readonly Stream inner;
    private byte[] overflow = [];
    private int overflowOffset;

    // True from a request's first write until the first bytes of its answer are read: those bytes start a status line.
    private bool awaitingAnswer;

    // While an answer's status line is being read: how many bytes of "HTTP/1.0 " matched so far (9: all, seeking its
    // end); -1 otherwise.
    private int statusMatched = -1;

    internal Http10ConnectionCloseStream(Stream inner)
    {
        this.inner = inner;
    }

    public override bool CanRead => this.inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => this.inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>The <see cref="SocketsHttpHandler.PlaintextStreamFilter"/> that wraps HTTP/1.x connections.</summary>
    internal static ValueTask<Stream> Filter(SocketsHttpPlaintextStreamFilterContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Stream>(context.NegotiatedHttpVersion.Major >= 2 ? context.PlaintextStream : new Http10ConnectionCloseStream(context.PlaintextStream));

    public override int Read(byte[] buffer, int offset, int count) => this.Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (this.TakeOverflow(buffer, out int served))
        {
            return served;
        }

        int read = this.inner.Read(buffer);
        return this.AfterRead(buffer, read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        this.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (this.TakeOverflow(buffer.Span, out int served))
        {
            return served;
        }

        int read = await this.inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return this.AfterRead(buffer.Span, read);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        this.awaitingAnswer = true;
        this.inner.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        this.awaitingAnswer = true;
        this.inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        this.awaitingAnswer = true;
        return this.inner.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        this.awaitingAnswer = true;
        return this.inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => this.inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => this.inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override ValueTask DisposeAsync() => this.inner.DisposeAsync();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            this.inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private bool TakeOverflow(Span<byte> buffer, out int served)
    {
        served = 0;
        if (this.overflowOffset >= this.overflow.Length || buffer.IsEmpty)
        {
            return false;
        }

        served = Math.Min(buffer.Length, this.overflow.Length - this.overflowOffset);
        this.overflow.AsSpan(this.overflowOffset, served).CopyTo(buffer);
        this.overflowOffset += served;
        return true;
    }

    private int AfterRead(Span<byte> buffer, int read)
    {
        if (read <= 0)
        {
            return read;
        }

        // The first bytes after a request start the answer's status line. (A read-ahead issued while the connection sat
        // in the pool completes here too, after the next request was written, so this is decided on completion.)
        if (this.awaitingAnswer)
        {
            this.awaitingAnswer = false;
            this.statusMatched = 0;
        }

        if (this.statusMatched < 0)
        {
            return read;
        }

        // The status line may arrive across several reads: match "HTTP/1.0 " and find its end incrementally.
        ReadOnlySpan<byte> data = buffer[..read];
        int at = 0;
        while (this.statusMatched < Http10.Length && at < read)
        {
            if (data[at] != Http10[this.statusMatched])
            {
                this.statusMatched = -1;
                return read;
            }

            this.statusMatched++;
            at++;
        }

        int lineFeed = this.statusMatched < Http10.Length ? -1 : data[at..].IndexOf((byte)'\n');
        if (lineFeed < 0)
        {
            return read;
        }

        this.statusMatched = -1;
        int insertAt = at + lineFeed + 1;
        byte[] changed = [.. data[..insertAt], .. CloseHeader, .. data[insertAt..]];
        int now = Math.Min(buffer.Length, changed.Length);
        changed.AsSpan(0, now).CopyTo(buffer);
        this.overflow = changed;
        this.overflowOffset = now;
        return now;
    }
}
