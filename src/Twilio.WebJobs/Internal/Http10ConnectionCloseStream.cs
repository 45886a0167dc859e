using System.Text;

namespace Twilio.WebJobs.Internal;

/// <summary>
/// Makes <see cref="SocketsHttpHandler"/> close a connection after an HTTP/1.0 answer, as RFC 9112 §9.3 requires unless
/// the server said <c>Connection: keep-alive</c>: it adds <c>Connection: close</c> to such an answer's head as it is read.
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

    /// <summary>True when the head of an HTTP/1.0 answer in <paramref name="head"/> lets the connection persist.</summary>
    private static bool SaysKeepAlive(ReadOnlySpan<byte> head)
    {
        int end = head.IndexOf("\r\n\r\n"u8);
        string text = Encoding.ASCII.GetString(end < 0 ? head : head[..end]);
        foreach (string line in text.Split("\r\n"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0
                && line.AsSpan(0, colon).Trim().Equals("Connection", StringComparison.OrdinalIgnoreCase)
                && line[(colon + 1)..].Contains("keep-alive", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
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
        if (read <= 0 || !this.awaitingAnswer)
        {
            return read;
        }

        // The first bytes after a request: the answer's status line. (A read-ahead issued while the connection sat in the
        // pool completes here too, after the next request was written, so the check is made on completion, not on call.)
        this.awaitingAnswer = false;
        ReadOnlySpan<byte> data = buffer[..read];
        int lineEnd = data.IndexOf("\r\n"u8);
        if (!data.StartsWith(Http10) || lineEnd < 0 || SaysKeepAlive(data))
        {
            return read;
        }

        byte[] changed = [.. data[..(lineEnd + 2)], .. CloseHeader, .. data[(lineEnd + 2)..]];
        int now = Math.Min(buffer.Length, changed.Length);
        changed.AsSpan(0, now).CopyTo(buffer);
        this.overflow = changed;
        this.overflowOffset = now;
        return now;
    }
}
