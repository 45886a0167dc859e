namespace FunctionsHost.CliTests;

/// <summary>Bad usage exits 2 with the problem (and, for typos, a suggestion); help lists every verb and option.</summary>
public sealed class CliUsageTests : IDisposable
{
    private static readonly string[] Verbs =
    [
        "start-new", "get-runtime-status", "get-history", "get-instances", "raise-event", "terminate", "suspend", "resume", "rewind", "purge-history", "delete-task-hub",
    ];

    private readonly AppFolder app = AppFolder.Sqlite("UsageHub");

    public void Dispose() => this.app.Dispose();

    [Fact]
    public async Task Help_Durable_ListsEveryVerbAndExits0()
    {
        // Act
        CliResult help = await this.app.DurableAsync("--help");

        // Assert
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.All(Verbs, verb => Assert.Contains(verb, help.Output, StringComparison.Ordinal));
        Assert.Contains("--task-hub-name", help.Output, StringComparison.Ordinal);
        Assert.Contains("--connection-string-setting", help.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_GetInstances_DescribesEachOption()
    {
        // Act
        CliResult help = await this.app.DurableAsync("get-instances", "--help");

        // Assert
        Assert.Equal(0, help.ExitCode);
        Assert.All(
            new[] { "--created-after", "--created-before", "--runtime-status", "--top", "--continuation-token", "--output" },
            option => Assert.Contains(option, help.Output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Durable_MisspelledVerb_Exit2SuggestingTheVerb()
    {
        // Act
        CliResult result = await this.app.DurableAsync("get-histroy", "--id", "x");

        // Assert: the error on standard error, System.CommandLine's suggestion on standard output.
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'get-histroy'", result.Error, StringComparison.Ordinal);
        Assert.Contains("Did you mean", result.Output, StringComparison.Ordinal);
        Assert.Contains("get-history", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Durable_NoVerb_Exit2()
    {
        // Act
        CliResult result = await this.app.DurableAsync();

        // Assert
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Verb_MissingRequiredOption_Exit2NamingIt()
    {
        // Act
        CliResult result = await this.app.DurableAsync("raise-event", "--id", "x");

        // Assert
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--event-name", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("get-instances", "--runtime-status", "Runnin")]
    [InlineData("get-instances", "--created-after", "yesterday")]
    [InlineData("get-instances", "--top", "0")]
    [InlineData("get-runtime-status", "--id", "has/slash")]
    [InlineData("get-instances", "--output", "xml")]
    [InlineData("get-instances", "--connection-string-setting", "Pg")]
    public async Task Verb_BadValue_Exit2NamingTheOption(string verb, string option, string value)
    {
        // Act
        CliResult result = await this.app.DurableAsync(verb, option, value);

        // Assert
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(option, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verb_NoHostJsonAnywhere_Exit2SayingSo()
    {
        // Arrange: a folder without host.json, with no parent holding one (the temp folder's root).
        string empty = Path.Combine(Path.GetTempPath(), "cli-empty-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(empty);
        try
        {
            // Act
            CliResult result = await this.app.DurableAsync("get-instances", "--script-root", empty);

            // Assert
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("host.json", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
