using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace FunctionsHost.Cli;

/// <summary>
/// <c>FunctionsHost durable &lt;verb&gt;</c>: the verbs of <c>func durable</c> on the store the host uses, without a host
/// or HTTP. Exit codes: 0 done, 1 not found or wrong state (the reason is printed), 2 bad usage (see <see cref="CliExitCodes"/>).
/// </summary>
internal static class DurableCli
{
    /// <summary>The first argument that selects the command line instead of the host.</summary>
    public const string Verb = "durable";

    /// <summary>Whether <paramref name="args"/> asks for the command line rather than the host.</summary>
    public static bool IsDurableCommand(IReadOnlyList<string> args) => args.Count > 0 && string.Equals(args[0], Verb, StringComparison.Ordinal);

    /// <summary>Parses and runs the command; returns the exit code. Ctrl-C cancels the verb cleanly.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter? output = null, TextWriter? error = null)
    {
        RootCommand root = CreateRoot();
        ParseResult parseResult = root.Parse(args);
        InvocationConfiguration invocation = new() { Output = output ?? Console.Out, Error = error ?? Console.Error };
        if (parseResult.Errors.Count > 0)
        {
            // System.CommandLine prints the errors with suggestions for typos ("Did you mean 'get-history'?").
            if (parseResult.Action is ParseErrorAction errorAction)
            {
                errorAction.ShowHelp = false;
            }

            await parseResult.InvokeAsync(invocation).ConfigureAwait(false);
            invocation.Error.WriteLine($"Run 'FunctionsHost {CommandPath(parseResult)} --help' for usage.");
            return CliExitCodes.BadUsage;
        }

        int exitCode = await parseResult.InvokeAsync(invocation).ConfigureAwait(false);

        // "durable" alone shows its help (System.CommandLine's answer to a missing subcommand is exit 1).
        return parseResult.CommandResult.Command.Name == Verb && !parseResult.Tokens.Any(t => t.Value is "--help" or "-h" or "-?") ? CliExitCodes.BadUsage : exitCode;
    }

    /// <summary>The verbs matched so far, e.g. <c>durable get-history</c>.</summary>
    private static string CommandPath(ParseResult parseResult)
    {
        List<string> names = [];
        for (SymbolResult? result = parseResult.CommandResult; result is CommandResult { Command: not RootCommand } command; result = result.Parent)
        {
            names.Insert(0, command.Command.Name);
        }

        return names.Count == 0 ? Verb : string.Join(' ', names);
    }

    private static RootCommand CreateRoot()
    {
        CliGlobalOptions options = new();
        Command durable = new(Verb, "Manage durable orchestration instances and task hubs on the store this app's host uses (the 'func durable' verbs).")
        {
            StartNewCommand.Create(options),
            GetRuntimeStatusCommand.Create(options),
            GetHistoryCommand.Create(options),
            GetInstancesCommand.Create(options),
            RaiseEventCommand.Create(options),
            InstanceControlCommands.Terminate(options),
            InstanceControlCommands.Suspend(options),
            InstanceControlCommands.Resume(options),
            RewindCommand.Create(options),
            PurgeHistoryCommand.Create(options),
            DeleteTaskHubCommand.Create(options),
        };
        options.AddTo(durable);
        return new RootCommand("FunctionsHost: runs the function app (no arguments, or --port/--script-root/--environment), or manages its durable state (durable <verb>).")
        {
            durable,
        };
    }
}
