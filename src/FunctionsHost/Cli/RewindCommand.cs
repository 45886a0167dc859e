using System.CommandLine;
using Durable.Core.Storage;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Cli;

/// <summary>
/// <c>durable rewind</c>: the API's <c>POST .../rewind</c>. A Failed instance runs its failed steps again, keeping the rest
/// of its history; an unknown instance is 404, one finished otherwise 410, one still running 409 (exit 1 for each).
/// </summary>
internal static class RewindCommand
{
    public static Command Create(CliGlobalOptions options)
    {
        Option<string> id = CliVerbOptions.InstanceId();
        Option<string?> reason = CliVerbOptions.Reason("rewound");
        Command command = new("rewind", "Rewinds a Failed orchestration instance: its failed steps run again, the rest of its history is kept.") { id, reason };
        CliVerb.SetAction(command, options, async (parseResult, session, output, cancellationToken) =>
        {
            string instanceId = CliInput.ReadInstanceId(parseResult.GetRequiredValue(id));
            string? why = CliVerbOptions.ReadReason(parseResult.GetValue(reason));
            EnqueueResult result;
            try
            {
                result = await session.Client.RewindAsync(instanceId, why, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                // Not finished yet: the API's 409.
                throw CliException.WrongState(StatusCodes.Status409Conflict, e.Message);
            }

            if (result == EnqueueResult.Gone)
            {
                throw CliException.WrongState(StatusCodes.Status410Gone, $"Instance '{instanceId}' has finished without failing: only orchestrations in the Failed state can be rewound.");
            }

            CliInstanceState.ThrowUnlessAccepted(instanceId, result);
            if (output.Json)
            {
                output.WriteJson(new JObject { ["id"] = instanceId, ["operation"] = "rewind" });
            }
            else
            {
                output.Out.WriteLine($"Rewound instance '{instanceId}' (a host runs its failed steps again at its next episode).");
            }

            return CliExitCodes.Done;
        });
        return command;
    }
}
