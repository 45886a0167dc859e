using System.CommandLine;
using Durable.Core;
using Durable.Core.Client;
using Durable.Core.Storage;
using Durable.WebJobs.Http;

namespace FunctionsHost.Cli;

/// <summary>
/// <c>durable purge-history</c>: deletes finished instances matching the filters, page by page with progress. Each
/// instance goes in its own transaction, so Ctrl-C stops between instances: every instance is either wholly purged
/// or wholly kept, never half-deleted.
/// </summary>
internal static class PurgeHistoryCommand
{
    private const int PageSize = 500;
    private const int Parallelism = 8;

    private static readonly OrchestrationStatus[] Finished =
        [OrchestrationStatus.Completed, OrchestrationStatus.Failed, OrchestrationStatus.Terminated, OrchestrationStatus.Canceled];

    public static Command Create(CliGlobalOptions options)
    {
        Option<string?> createdAfter = CliVerbOptions.CreatedAfter();
        Option<string?> createdBefore = CliVerbOptions.CreatedBefore();
        Option<string[]> runtimeStatus = CliVerbOptions.RuntimeStatus("Only instances in these finished statuses (Completed, Failed, Terminated, Canceled). Default: all four.");
        Command command = new("purge-history", "Deletes finished orchestration instances and their history. Ctrl-C stops between instances.") { createdAfter, createdBefore, runtimeStatus };
        CliVerb.SetAction(command, options, async (parseResult, session, output, cancellationToken) =>
        {
            OrchestrationStatus[] statuses = CliInput.ReadStatuses(parseResult.GetValue(runtimeStatus)) ?? Finished;
            OrchestrationStatus[] unfinished = [.. statuses.Where(s => !s.IsTerminal())];
            if (unfinished.Length > 0)
            {
                throw CliException.BadUsage($"--runtime-status {string.Join(",", unfinished)}: only finished instances (Completed, Failed, Terminated, Canceled) can be purged.", "--runtime-status");
            }

            InstanceQuery query = new()
            {
                CreatedFrom = CliInput.ReadTime(parseResult.GetValue(createdAfter), "--created-after"),
                CreatedTo = CliInput.ReadTime(parseResult.GetValue(createdBefore), "--created-before") ?? DateTimeOffset.UtcNow,
                Statuses = statuses,
                PageSize = PageSize,
            };

            int deleted = await PurgeAsync(session.Client, query, output, cancellationToken).ConfigureAwait(false);
            if (deleted == 0)
            {
                throw new CliException(CliExitCodes.Refused, StatusCodes.Status404NotFound, "No finished orchestration instance matches the purge filter.");
            }

            if (output.Json)
            {
                output.WriteJson(DurableHttpBodies.Purged(deleted));
            }
            else
            {
                output.Out.WriteLine($"Purged {deleted} instance(s) from task hub '{session.Settings.HubName}'.");
            }

            return CliExitCodes.Done;
        });
        return command;
    }

    private static async Task<int> PurgeAsync(DurableClient client, InstanceQuery query, CliOutput output, CancellationToken cancellationToken)
    {
        int deleted = 0;
        string? token = null;
        do
        {
            OrchestrationMetadataPage page = await client.ListInstancesAsync(query with { ContinuationToken = token }, showInput: false, cancellationToken).ConfigureAwait(false);

            // Ctrl-C lets purges already begun finish (each is one transaction) and starts no more.
            try
            {
                await Parallel.ForEachAsync(
                    page.Instances,
                    new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                    async (status, ct) =>
                    {
                        // Zero: re-created meanwhile (running again) or purged by someone else; not counted.
                        int purged = await client.PurgeInstanceAsync(status.InstanceId, CancellationToken.None).ConfigureAwait(false);
                        Interlocked.Add(ref deleted, purged);
                    }).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                output.Error.WriteLine($"Stopped after purging {deleted} instance(s); the others are untouched.");
                throw;
            }

            token = page.ContinuationToken;
            if (token is not null)
            {
                output.Error.WriteLine($"Purged {deleted} instance(s) so far...");
            }
        }
        while (token is not null);

        return deleted;
    }
}
