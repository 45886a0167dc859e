using Newtonsoft.Json.Linq;

namespace FunctionsHost.CliTests;

/// <summary>What one <c>FunctionsHost durable ...</c> process did.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="Output">Standard output.</param>
/// <param name="Error">Standard error.</param>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>Standard output as JSON (the run used <c>--output json</c>).</summary>
    public JToken Json => JToken.Parse(this.Output);

    public override string ToString() => $"exit {this.ExitCode}\nstdout:\n{this.Output}\nstderr:\n{this.Error}";
}
