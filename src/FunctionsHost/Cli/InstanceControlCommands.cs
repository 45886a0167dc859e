using System.CommandLine;
using Durable.Core.Client;
using Durable.Core.Storage;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Cli;

/// <summary><c>durable terminate</c>, <c>suspend</c> and <c>resume</c>: one message to a running instance, refused as the API refuses it.</summary>
internal static class InstanceControlCommands
{
    public static Command Terminate(CliGlobalOptions options) =>
        Create(options, "terminate", "Terminates a running orchestration instance.", "terminated", "Terminated", (client, id, reason, ct) => client.TerminateAsync(id, reason, ct));

    public static Command Suspend(CliGlobalOptions options) =>
        Create(options, "suspend", "Suspends a running orchestration instance; events raised meanwhile wait for resume.", "suspended", "Suspended", (client, id, reason, ct) => client.SuspendAsync(id, reason, ct));

    public static Command Resume(CliGlobalOptions options) =>
        Create(options, "resume", "Resumes a suspended orchestration instance.", "resumed", "Resumed", (client, id, reason, ct) => client.ResumeAsync(id, reason, ct));

    private static Command Create(
        CliGlobalOptions options,
        string name,
        string description,
        string done,
        string doneTitle,
        Func<DurableClient, string, string?, CancellationToken, Task<EnqueueResult>> send)
    {
        Option<string> id = CliVerbOptions.InstanceId();
        Option<string?> reason = CliVerbOptions.Reason(done);
        Command command = new(name, description) { id, reason };
        CliVerb.SetAction(command, options, async (parseResult, session, output, cancellationToken) =>
        {
            string instanceId = CliInput.ReadInstanceId(parseResult.GetRequiredValue(id));
            string? why = CliVerbOptions.ReadReason(parseResult.GetValue(reason));
            await CliInstanceState.RequireRunningAsync(session.Client, instanceId, cancellationToken).ConfigureAwait(false);
            EnqueueResult result;
            try
            {
                result = await send(session.Client, instanceId, why, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                // Suspend of a suspended instance, resume of a running one: the API's 409.
                throw CliException.WrongState(StatusCodes.Status409Conflict, e.Message);
            }

            CliInstanceState.ThrowUnlessAccepted(instanceId, result);
            if (output.Json)
            {
                output.WriteJson(new JObject { ["id"] = instanceId, ["operation"] = name });
            }
            else
            {
                output.Out.WriteLine($"{doneTitle} instance '{instanceId}' (a host applies it at its next episode).");
            }

            return CliExitCodes.Done;
        });
        return command;
    }
}
