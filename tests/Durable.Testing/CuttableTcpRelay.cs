using System.Net;
using System.Net.Sockets;

namespace Durable.Testing;

/// <summary>
/// A loopback TCP relay to a server that a test can cut: <see cref="Cut"/> resets every connection relayed so far, as a
/// network that drops while a call is out. The server's side sees its client gone only when it next writes to it.
/// </summary>
public sealed class CuttableTcpRelay : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly int serverPort;
    private readonly List<Socket> sockets = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;

    private CuttableTcpRelay(int serverPort)
    {
        this.serverPort = serverPort;
        this.listener.Start();
        this.accepting = Task.Run(this.AcceptAsync);
    }

    /// <summary>The loopback port clients connect to instead of the server's.</summary>
    public int Port => ((IPEndPoint)this.listener.LocalEndpoint).Port;

    /// <summary>Relays a new loopback port to <paramref name="serverPort"/> on 127.0.0.1.</summary>
    public static CuttableTcpRelay To(int serverPort) => new(serverPort);

    /// <summary>Resets every connection relayed so far, both sides; later connections are relayed as before.</summary>
    public void Cut()
    {
        lock (this.sockets)
        {
            foreach (Socket socket in this.sockets)
            {
                // Linger 0: close sends a reset at once, as a dropped network ends up doing, instead of a polite FIN.
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }

            this.sockets.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await this.stopping.CancelAsync().ConfigureAwait(false);
        this.listener.Stop();
        this.Cut();
        try
        {
            await this.accepting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        this.stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!this.stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await this.listener.AcceptSocketAsync(this.stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Socket server = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, this.serverPort).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // The server is not there (stopped by the test): this client is refused, the relay goes on listening.
                server.Dispose();
                client.Dispose();
                continue;
            }

            lock (this.sockets)
            {
                this.sockets.Add(client);
                this.sockets.Add(server);
            }

            _ = PumpAsync(client, server);
            _ = PumpAsync(server, client);
        }
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> until either side ends or is cut.</summary>
    private static async Task PumpAsync(Socket from, Socket to)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Cut, or the other side went away: the pump in the other direction ends the same way.
        }
    }
}
