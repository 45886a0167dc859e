using System.Text;
using Twilio.WebJobs.Internal;

namespace Twilio.WebJobs.Tests;

public sealed class Http10ConnectionCloseStreamTests
{
    private const string Http10Answer = "HTTP/1.0 201 Created\r\nServer: BaseHTTP/0.6 Python/3.11\r\nContent-Length: 2\r\n\r\n{}";

    [Theory]
    [InlineData(4)]
    [InlineData(16)]
    [InlineData(4096)]
    public async Task ReadAsync_Http10AnswerWithoutConnectionHeader_AddsConnectionCloseWhateverTheBufferSize(int bufferSize)
    {
        // Arrange
        using Http10ConnectionCloseStream stream = new(new ScriptedConnection(Http10Answer));
        await stream.WriteAsync("POST / HTTP/1.1\r\n\r\n"u8.ToArray());

        // Act
        string read = await ReadAllAsync(stream, bufferSize);

        // Assert
        Assert.Equal("HTTP/1.0 201 Created\r\nConnection: close\r\nServer: BaseHTTP/0.6 Python/3.11\r\nContent-Length: 2\r\n\r\n{}", read);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(4096)]
    public async Task ReadAsync_Http11Answer_PassesThroughUnchanged(int bufferSize)
    {
        // Arrange
        const string answer = "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}";
        using Http10ConnectionCloseStream stream = new(new ScriptedConnection(answer));
        await stream.WriteAsync("POST / HTTP/1.1\r\n\r\n"u8.ToArray());

        // Act
        string read = await ReadAllAsync(stream, bufferSize);

        // Assert
        Assert.Equal(answer, read);
    }

    [Fact]
    public async Task ReadAsync_StatusLineSplitAcrossReads_StillAddsConnectionClose()
    {
        // Arrange: the server's status line arrives in pieces.
        using Http10ConnectionCloseStream stream = new(new ScriptedConnection("HTTP/1", ".0 201 Cre", "ated\r", "\nContent-Length: 2\r\n\r\n{}"));
        await stream.WriteAsync("POST / HTTP/1.1\r\n\r\n"u8.ToArray());

        // Act
        string read = await ReadAllAsync(stream, 4096);

        // Assert
        Assert.Equal("HTTP/1.0 201 Created\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}", read);
    }

    [Fact]
    public async Task ReadAsync_BodyBytesThatLookLikeAStatusLine_AreNotTouched()
    {
        // Arrange: only the first bytes after a request are a status line; later reads of the same answer are body.
        using Http10ConnectionCloseStream stream = new(new ScriptedConnection("HTTP/1.1 200 OK\r\nContent-Length: 24\r\n\r\n", "HTTP/1.0 200 OK\r\nfake\r\n\r\n"));
        await stream.WriteAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());

        // Act
        string read = await ReadAllAsync(stream, 4096);

        // Assert
        Assert.Equal("HTTP/1.1 200 OK\r\nContent-Length: 24\r\n\r\nHTTP/1.0 200 OK\r\nfake\r\n\r\n", read);
    }

    private static async Task<string> ReadAllAsync(Stream stream, int bufferSize)
    {
        StringBuilder text = new();
        byte[] buffer = new byte[bufferSize];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    /// <summary>A connection whose reads return the given chunks, one per read (cut to the caller's buffer), then end.</summary>
    private sealed class ScriptedConnection(params string[] chunks) : Stream
    {
        private readonly Queue<byte[]> pending = new(chunks.Select(Encoding.ASCII.GetBytes));

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (!this.pending.TryPeek(out byte[]? chunk))
            {
                return 0;
            }

            int n = Math.Min(count, chunk.Length);
            Array.Copy(chunk, 0, buffer, offset, n);
            this.pending.Dequeue();
            if (n < chunk.Length)
            {
                this.pending.Enqueue(chunk[n..]);
                for (int i = 0; i < this.pending.Count - 1; i++)
                {
                    this.pending.Enqueue(this.pending.Dequeue());
                }
            }

            return n;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
