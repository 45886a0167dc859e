using System.CommandLine;
using Durable.Core.Storage;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Cli;

/// <summary><c>durable delete-task-hub</c>: removes every instance of the hub, running ones included, after confirmation.</summary>
internal static class DeleteTaskHubCommand
{
    public static Command Create(CliGlobalOptions options)
    {
        Option<bool> yes = new("--yes", "-y") { Description = "Do not ask for confirmation." };
        Command command = new("delete-task-hub", "Deletes the task hub: every instance (running ones too), its history and pending work. Stop the hosts first.") { yes };
        CliVerb.SetAction(command, options, async (parseResult, session, output, cancellationToken) =>
        {
            if (session.Store is not ITaskHubDeleter deleter)
            {
                throw new CliException(CliExitCodes.Refused, StatusCodes.Status501NotImplemented, "This store cannot delete a task hub.");
            }

            string hub = session.Settings.HubName;
            if (!parseResult.GetValue(yes))
            {
                // The question goes to standard error so that standard output holds only the result.
                output.Error.Write($"Delete task hub '{hub}' in {session.StoreDescription}, with every instance in it, running ones too? [y/N] ");
                string? answer = await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (answer?.Trim().ToUpperInvariant() is not ("Y" or "YES"))
                {
                    throw new CliException(CliExitCodes.Refused, StatusCodes.Status409Conflict, $"Not confirmed: task hub '{hub}' was left as it was (--yes skips the question).");
                }
            }

            int deleted = await deleter.DeleteTaskHubAsync(cancellationToken).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(new JObject { ["taskHub"] = hub, ["instancesDeleted"] = deleted });
            }
            else
            {
                output.Out.WriteLine($"Deleted task hub '{hub}' ({deleted} instance(s)).");
            }

            return CliExitCodes.Done;
        });
        return command;
    }
}
