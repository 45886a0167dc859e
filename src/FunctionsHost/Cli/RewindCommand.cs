using System.CommandLine;
using Durable.Core;
using Durable.Core.Client;

namespace FunctionsHost.Cli;

/// <summary>
/// <c>durable rewind</c>: the same answers as the API's <c>POST .../rewind</c>: unknown instance, an instance that is
/// not Failed, and, for a Failed one, "not supported" (501 there, exit 1 here), since no store of ours rewinds yet.
/// </summary>
internal static class RewindCommand
{
    public static Command Create(CliGlobalOptions options)
    {
        Option<string> id = CliVerbOptions.InstanceId();
        Option<string?> reason = CliVerbOptions.Reason("rewound");
        Command command = new("rewind", "Rewinds a Failed orchestration instance (not supported by this host's stores: says so, exit 1).") { id, reason };
        CliVerb.SetAction(command, options, async (parseResult, session, output, cancellationToken) =>
        {
            string instanceId = CliInput.ReadInstanceId(parseResult.GetRequiredValue(id));
            CliVerbOptions.ReadReason(parseResult.GetValue(reason));
            OrchestrationStatus status = await session.Client.GetStatusAsync(instanceId, showInput: false, cancellationToken: cancellationToken).ConfigureAwait(false)
                ?? throw CliException.NotFound(instanceId);
            if (status.RuntimeStatus != OrchestrationRuntimeStatus.Failed)
            {
                throw CliException.WrongState(
                    StatusCodes.Status412PreconditionFailed,
                    $"This orchestration has status {status.RuntimeStatus}, but only orchestrations in the \"Failed\" state can be rewound.");
            }

            throw new CliException(CliExitCodes.Refused, StatusCodes.Status501NotImplemented, "Rewind is not supported by the underlying storage provider.", "id");
        });
        return command;
    }
}
