namespace Durable.Testing.Processes;

/// <summary>How to start a <see cref="HostProcess"/>.</summary>
public sealed class HostProcessOptions
{
    /// <summary>The function app folder (host.json); the process runs in it.</summary>
    public required string AppFolder { get; init; }

    /// <summary>The folder holding FunctionsHost.dll (e.g. a ReadyToRun publish output); null: beside the running assembly.</summary>
    public string? HostDirectory { get; init; }

    /// <summary>The loopback port to serve on; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Whether to pass <c>--port</c>; false leaves the address to the host (<c>ASPNETCORE_URLS</c> in
    /// <see cref="Environment"/>, or its default), and <see cref="HostProcess.Port"/> is then only what the test expects.
    /// </summary>
    public bool PortFlag { get; init; } = true;

    /// <summary>App settings as environment variables; a null value removes an inherited variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Arguments after <c>--port N</c> (for example <c>--environment Development</c>).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Called with every output line (standard output and error), on a pipe-reading thread.</summary>
    public Action<string>? OutputLine { get; init; }

    /// <summary>
    /// How much output <see cref="HostProcess.Output"/> keeps: beyond it the oldest half is dropped, since a long run
    /// writes a lot and only the end helps when something fails. Null keeps everything (for counting log lines).
    /// </summary>
    public int? OutputLimit { get; init; } = 200_000;
}
