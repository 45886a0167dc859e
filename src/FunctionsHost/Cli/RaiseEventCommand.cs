using System.CommandLine;
using Durable.Core.Client;
using Durable.Core.Storage;
using Durable.WebJobs.Http;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Cli;

/// <summary><c>durable raise-event</c>: sends an event to a running instance.</summary>
internal static class RaiseEventCommand
{
    public static Command Create(CliGlobalOptions options)
    {
        Option<string> id = CliVerbOptions.InstanceId();
        Option<string> eventName = new("--event-name") { Description = "The event name, e.g. SmsChallengeResponse.", Required = true };
        Option<string?> eventData = new("--event-data") { Description = "The payload: JSON (2168, \"text\", {...}), plain text (taken as a string), or @file.json. Default: null." };
        Command command = new("raise-event", "Raises an event to an orchestration instance.") { id, eventName, eventData };
        CliVerb.SetAction(command, options, async (parseResult, session, output, cancellationToken) =>
        {
            string instanceId = CliInput.ReadInstanceId(parseResult.GetRequiredValue(id));
            string name = parseResult.GetRequiredValue(eventName);
            if (string.IsNullOrWhiteSpace(name) || name.Length > DurableHttpBodies.MaxEventNameLength || name.Any(char.IsControl))
            {
                throw CliException.BadUsage($"--event-name must be 1 to {DurableHttpBodies.MaxEventNameLength} characters without control characters.", "--event-name");
            }

            JToken? payload = CliInput.ReadPayload(parseResult.GetValue(eventData), "--event-data");
            EnqueueResult result = await session.Client.RaiseEventAsync(instanceId, name, payload, cancellationToken).ConfigureAwait(false);
            CliInstanceState.ThrowUnlessAccepted(instanceId, result);
            if (output.Json)
            {
                output.WriteJson(new JObject { ["id"] = instanceId, ["eventName"] = name });
            }
            else
            {
                output.Out.WriteLine($"Raised event '{name}' to instance '{instanceId}'.");
            }

            return CliExitCodes.Done;
        });
        return command;
    }
}
