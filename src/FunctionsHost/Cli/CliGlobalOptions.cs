using System.CommandLine;

namespace FunctionsHost.Cli;

/// <summary>The options every verb takes (recursive on <c>durable</c>): where the app is, which hub and store, how to print.</summary>
internal sealed class CliGlobalOptions
{
    public Option<string?> TaskHubName { get; } = new("--task-hub-name")
    {
        Description = "The task hub to work on. Default: host.json extensions.durableTask.hubName, as the host uses.",
        Recursive = true,
    };

    public Option<string?> ConnectionStringSetting { get; } = new("--connection-string-setting")
    {
        Description = "The app setting holding the PostgreSQL connection string. Default: host.json storageProvider.connectionStringName. PostgreSQL only.",
        Recursive = true,
    };

    public Option<string?> ScriptRoot { get; } = new("--script-root")
    {
        Description = "The function app folder (host.json, local.settings.json). Default: the current folder or its nearest parent holding host.json.",
        Recursive = true,
    };

    public Option<string> Output { get; } = CreateOutput();

    public void AddTo(Command command)
    {
        command.Options.Add(this.TaskHubName);
        command.Options.Add(this.ConnectionStringSetting);
        command.Options.Add(this.ScriptRoot);
        command.Options.Add(this.Output);
    }

    private static Option<string> CreateOutput()
    {
        Option<string> output = new("--output", "-o")
        {
            Description = "text (default): tables and sentences; json: the JSON the HTTP management API returns.",
            Recursive = true,
            DefaultValueFactory = _ => "text",
            HelpName = "text|json",
        };

        // A validator rather than AcceptOnlyFromAmong, whose message does not name the option.
        output.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (value is not ("text" or "json"))
            {
                result.AddError($"--output must be text or json; got '{value}'.");
            }
        });
        return output;
    }
}
