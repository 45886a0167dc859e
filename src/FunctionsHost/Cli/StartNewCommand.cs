using System.CommandLine;
using Durable.Core;
using Durable.Core.Client;
using Durable.WebJobs.Http;
using Newtonsoft.Json.Linq;
using PhoneVerification;

namespace FunctionsHost.Cli;

/// <summary><c>durable start-new</c>: starts an orchestration, with the same checks as the HTTP start.</summary>
internal static class StartNewCommand
{
    public static Command Create(CliGlobalOptions options)
    {
        Option<string> functionName = new("--function-name") { Description = "The orchestrator function to start, e.g. E4_SmsPhoneVerification.", Required = true };
        Option<string?> input = new("--input") { Description = "The input: JSON (\"+14255550123\", 2168, {...}), plain text (taken as a string), or @file.json." };
        Option<string?> id = new("--id") { Description = "The instance ID. Default: a new random one. A finished instance with this ID is replaced." };
        Command command = new("start-new", "Starts a new orchestration instance.") { functionName, input, id };
        CliVerb.SetAction(command, options, async (parseResult, session, output, cancellationToken) =>
        {
            string name = parseResult.GetRequiredValue(functionName);
            JToken? payload = CliInput.ReadPayload(parseResult.GetValue(input), "--input");
            string? instanceId = parseResult.GetValue(id) is { } given ? CliInput.ReadInstanceId(given) : null;

            // The sample's orchestrator gets the rule HttpStart applies: nothing starts with a bad phone number.
            if (string.Equals(name, SmsPhoneVerification.FunctionName, StringComparison.OrdinalIgnoreCase)
                && PhoneNumberInput.TryRead(payload, out _) is { Problem: { } problem })
            {
                throw CliException.BadUsage($"--input: {problem}", "--input");
            }

            try
            {
                instanceId = await session.Client.StartNewAsync(name, instanceId, payload, cancellationToken).ConfigureAwait(false);
            }
            catch (OrchestrationAlreadyExistsException e)
            {
                throw CliException.WrongState(StatusCodes.Status409Conflict, e.Message);
            }
            catch (ArgumentException e) when (e.ParamName == "orchestratorName")
            {
                // The HTTP API's built-in start answers 400 here, as Durable Functions does; the JSON says the same.
                throw new CliException(CliExitCodes.Refused, StatusCodes.Status400BadRequest, e.Message, "--function-name");
            }

            if (output.Json)
            {
                OrchestrationMetadata? status = await session.Client.GetStatusAsync(instanceId, cancellationToken: cancellationToken).ConfigureAwait(false);
                output.WriteJson(status is null ? new JObject { ["id"] = instanceId } : DurableHttpBodies.Status(status));
            }
            else
            {
                output.Out.WriteLine($"Started '{name}' with instance ID '{instanceId}' in task hub '{session.Settings.HubName}'.");
            }

            return CliExitCodes.Done;
        });
        return command;
    }
}
