using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FunctionsHost.CliTests;

/// <summary>A FunctionsHost process in Development (SMS to the dev outbox, no keys on loopback) serving an app folder.</summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);
    private readonly Process process;
    private readonly StringBuilder output = new();

    private HostProcess(Process process, int port)
    {
        this.process = process;
        this.Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Client { get; }

    public string Output
    {
        get
        {
            lock (this.output)
            {
                return this.output.ToString();
            }
        }
    }

    public static async Task<HostProcess> StartAsync(AppFolder app)
    {
        int port = FreePort();
        ProcessStartInfo start = app.StartInfo();
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--environment");
        start.ArgumentList.Add("Development");
        Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        HostProcess host = new(process, port);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        DateTime deadline = DateTime.UtcNow + StartDeadline;
        while (!host.Output.Contains("Task hub: ", StringComparison.Ordinal))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                string output = host.Output;
                await host.DisposeAsync();
                throw new InvalidOperationException($"The host did not start (exited: {process.HasExited}). Output:\n{output}");
            }

            await Task.Delay(100);
        }

        return host;
    }

    public async ValueTask DisposeAsync()
    {
        if (!this.process.HasExited)
        {
            this.process.Kill(entireProcessTree: true);
            await this.process.WaitForExitAsync();
        }

        this.process.Dispose();
        this.Client.Dispose();
    }

    private static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (this.output)
            {
                this.output.AppendLine(line);
            }
        }
    }
}
