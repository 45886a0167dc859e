using System.CommandLine;
using Durable.Core.Client;
using Durable.WebJobs.Http;

namespace FunctionsHost.Cli;

/// <summary><c>durable get-runtime-status</c>: one instance's status.</summary>
internal static class GetRuntimeStatusCommand
{
    public static Command Create(CliGlobalOptions options)
    {
        Option<string> id = CliVerbOptions.InstanceId();
        Option<bool> showInput = new("--show-input") { Description = "Include the instance's input." };
        Option<bool> showOutput = new("--show-output") { Description = "Include the instance's output." };
        Command command = new("get-runtime-status", "Shows the status of an orchestration instance.") { id, showInput, showOutput };
        CliVerb.SetAction(command, options, async (parseResult, session, output, cancellationToken) =>
        {
            string instanceId = CliInput.ReadInstanceId(parseResult.GetRequiredValue(id));
            bool withInput = parseResult.GetValue(showInput);
            bool withOutput = parseResult.GetValue(showOutput);
            OrchestrationMetadata status = await session.Client.GetStatusAsync(instanceId, showInput: withInput, cancellationToken: cancellationToken).ConfigureAwait(false)
                ?? throw CliException.NotFound(instanceId);
            if (output.Json)
            {
                // The API's body; the output is left out (null) unless asked for, as the input is with showInput=false.
                output.WriteJson(DurableHttpBodies.Status(withOutput ? status : WithoutOutput(status)));
            }
            else
            {
                CliText.WriteStatus(output.Out, status, withInput, withOutput);
            }

            return CliExitCodes.Done;
        });
        return command;
    }

    private static OrchestrationMetadata WithoutOutput(OrchestrationMetadata status) => new()
    {
        Name = status.Name,
        InstanceId = status.InstanceId,
        RuntimeStatus = status.RuntimeStatus,
        InputJson = status.InputJson,
        CustomStatusJson = status.CustomStatusJson,
        CreatedTime = status.CreatedTime,
        LastUpdatedTime = status.LastUpdatedTime,
        History = status.History,
    };
}
