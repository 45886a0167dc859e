using System.CommandLine;
using Durable.WebJobs.Http;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Cli;

/// <summary>Where a verb writes: results to standard output (text or the API's JSON), reasons and progress to standard error.</summary>
internal sealed class CliOutput
{
    public CliOutput(ParseResult parseResult, CliGlobalOptions options)
    {
        this.Json = parseResult.GetValue(options.Output) == "json";
        this.Out = parseResult.InvocationConfiguration.Output;
        this.Error = parseResult.InvocationConfiguration.Error;
    }

    /// <summary>Whether <c>--output json</c> was given.</summary>
    public bool Json { get; }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>Writes one JSON body on one line, serialized as the HTTP API does.</summary>
    public void WriteJson(JToken body) => this.Out.WriteLine(DurableHttpBodies.Serialize(body));

    /// <summary>Reports a refusal: the reason on standard error and, with <c>--output json</c>, the API's error body on standard output.</summary>
    public int Fail(CliException failure)
    {
        if (this.Json)
        {
            this.WriteJson(DurableHttpBodies.Error(failure.HttpStatus, failure.Message, failure.Field));
        }

        this.Error.WriteLine($"Error: {failure.Message}");
        return failure.ExitCode;
    }
}
