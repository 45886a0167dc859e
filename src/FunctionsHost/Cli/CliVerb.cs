using System.CommandLine;
using Durable.Core.Storage;

namespace FunctionsHost.Cli;

/// <summary>Runs one verb: opens the session, turns refusals and store outages into a reason and an exit code.</summary>
internal static class CliVerb
{
    /// <summary>The exit code of a command stopped by Ctrl-C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    public static void SetAction(Command command, CliGlobalOptions options, Func<ParseResult, CliSession, CliOutput, CancellationToken, Task<int>> verb) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, options, verb, cancellationToken));

    private static async Task<int> RunAsync(
        ParseResult parseResult,
        CliGlobalOptions options,
        Func<ParseResult, CliSession, CliOutput, CancellationToken, Task<int>> verb,
        CancellationToken cancellationToken)
    {
        CliOutput output = new(parseResult, options);
        try
        {
            await using CliSession session = await CliSession.OpenAsync(parseResult, options, cancellationToken).ConfigureAwait(false);
            return await verb(parseResult, session, output, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            return output.Fail(e);
        }
        catch (StoreUnavailableException e)
        {
            return output.Fail(new CliException(CliExitCodes.Refused, StatusCodes.Status503ServiceUnavailable, e.Message));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.Error.WriteLine("Cancelled: nothing more was changed.");
            return Cancelled;
        }
    }
}
