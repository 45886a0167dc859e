using System.CommandLine;
using Durable.Core.Client;
using Durable.Core.Storage;
using Durable.WebJobs.Http;

namespace FunctionsHost.Cli;

/// <summary><c>durable get-instances</c>: one page of instances, newest filters as in the API's <c>GET /instances</c>.</summary>
internal static class GetInstancesCommand
{
    public static Command Create(CliGlobalOptions options)
    {
        Option<string?> createdAfter = CliVerbOptions.CreatedAfter();
        Option<string?> createdBefore = CliVerbOptions.CreatedBefore();
        Option<string[]> runtimeStatus = CliVerbOptions.RuntimeStatus("Only instances in these statuses (Pending, Running, Completed, ContinuedAsNew, Failed, Canceled, Terminated, Suspended).");
        Option<int> top = new("--top") { Description = $"The page size, 1 to {DurableHttpBodies.MaxTop}.", DefaultValueFactory = _ => 100 };
        Option<string?> continuationToken = new("--continuation-token") { Description = "The token a previous page printed, to read the next page." };
        Command command = new("get-instances", "Lists orchestration instances, one page at a time.") { createdAfter, createdBefore, runtimeStatus, top, continuationToken };
        CliVerb.SetAction(command, options, async (parseResult, session, output, cancellationToken) =>
        {
            int pageSize = parseResult.GetValue(top);
            InstanceQuery query = new()
            {
                CreatedFrom = CliInput.ReadTime(parseResult.GetValue(createdAfter), "--created-after"),
                CreatedTo = CliInput.ReadTime(parseResult.GetValue(createdBefore), "--created-before"),
                Statuses = CliInput.ReadStatuses(parseResult.GetValue(runtimeStatus)),
                PageSize = pageSize is >= 1 and <= DurableHttpBodies.MaxTop ? pageSize : throw CliException.BadUsage($"--top must be from 1 to {DurableHttpBodies.MaxTop}; got {pageSize}.", "--top"),
                ContinuationToken = parseResult.GetValue(continuationToken) is { Length: > 0 } token ? token : null,
            };

            OrchestrationMetadataPage page;
            try
            {
                page = await session.Client.ListInstancesAsync(query, showInput: true, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException e) when (query.ContinuationToken is not null)
            {
                throw CliException.BadUsage($"--continuation-token is not one this command printed: {e.Message}", "--continuation-token");
            }

            if (output.Json)
            {
                output.WriteJson(DurableHttpBodies.Instances(page));
            }
            else
            {
                CliText.WriteInstances(output.Out, page.Instances);
            }

            // The API sends the token as a header; here it goes to standard error, so standard output stays the body.
            if (page.ContinuationToken is { Length: > 0 } next)
            {
                output.Error.WriteLine($"More instances: repeat with --continuation-token {next}");
            }

            return CliExitCodes.Done;
        });
        return command;
    }
}
