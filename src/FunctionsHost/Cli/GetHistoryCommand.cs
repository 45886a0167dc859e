using System.CommandLine;
using Durable.Core.Client;
using Durable.WebJobs.Http;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Cli;

/// <summary><c>durable get-history</c>: an instance's history, formatted as the API's <c>historyEvents</c>.</summary>
internal static class GetHistoryCommand
{
    public static Command Create(CliGlobalOptions options)
    {
        Option<string> id = CliVerbOptions.InstanceId();
        Command command = new("get-history", "Shows the history of an orchestration instance (activity outputs left out, as the API does without showHistoryOutput).") { id };
        CliVerb.SetAction(command, options, async (parseResult, session, output, cancellationToken) =>
        {
            string instanceId = CliInput.ReadInstanceId(parseResult.GetRequiredValue(id));
            OrchestrationMetadata status = await session.Client.GetStatusAsync(instanceId, showHistory: true, cancellationToken: cancellationToken).ConfigureAwait(false)
                ?? throw CliException.NotFound(instanceId);

            // A Pending instance has not run yet: its history is empty.
            JArray history = status.History is null ? [] : DurableHttpBodies.History(status.History);
            if (output.Json)
            {
                output.WriteJson(history);
            }
            else
            {
                CliText.WriteHistory(output.Out, history);
            }

            return CliExitCodes.Done;
        });
        return command;
    }
}
