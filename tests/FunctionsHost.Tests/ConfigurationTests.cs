using FunctionsHost.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionsHost.Tests;

/// <summary>How the host resolves host.json, local.settings.json, the environment and the command line (built, not started).</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly List<string> folders = [];

    public void Dispose()
    {
        foreach (string folder in this.folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("""{ "version": "2.0", "extensions": { """, "host.json is not valid JSON")]
    [InlineData("""[1, 2]""", "host.json must hold a JSON object")]
    [InlineData("""{ "extensions": {} }""", "host.json must declare \"version\": \"2.0\"")]
    [InlineData("""{ "version": "2.0", "extensions": { "durableTask": { "storageProvider": { "type": "cosmos" } } } }""", "storageProvider.type 'cosmos' is not supported")]
    [InlineData("""{ "version": "2.0", "extensions": { "durableTask": { "maxConcurrentActivityFunctions": 0 } } }""", "maxConcurrentActivityFunctions must be a whole number greater than 0")]
    [InlineData("""{ "version": "2.0", "extensions": { "durableTask": { "hubName": "%NoSuchSetting%" } } }""", "names the app setting 'NoSuchSetting', which is not set")]
    [InlineData("""{ "version": "2.0", "extensions": { "durableTask": { "inlineActivities": "sometimes" } } }""", "inlineActivities must be true or false; it is 'sometimes'")]
    [InlineData("""{ "version": "2.0", "extensions": { "durableTask": { "oneWriteEvents": 1 } } }""", "oneWriteEvents must be true or false; it is '1'")]
    [InlineData("""{ "version": "2.0", "extensions": { "durableTask": { "storageProvider": { "maxPollingInterval": "5 seconds" } } } }""", "storageProvider.maxPollingInterval must be a time span")]
    [InlineData("""{ "version": "2.0", "extensions": { "durableTask": { "storageProvider": { "maxPollingInterval": "01:00:00" } } } }""", "storageProvider.maxPollingInterval must be a time span between")]
    public void Build_InvalidHostJson_FailsNamingTheFileAndTheProblem(string hostJson, string expected)
    {
        string folder = this.Folder(hostJson);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => Build(folder));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ScriptRootWithoutHostJson_FailsNamingTheFolder()
    {
        string folder = this.Folder(hostJson: null);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => Build(folder));

        Assert.Equal($"No host.json in the script root '{folder}'.", error.Message);
    }

    [Fact]
    public void Resolve_NoScriptRoot_FindsTheRepositoryHostJsonAbove()
    {
        // Tests run in tests/FunctionsHost.Tests/bin/...: the nearest host.json above is the repository's.
        Assert.Equal(TestHost.RepositoryRoot(), ScriptRoot.Resolve(null));
    }

    [Fact]
    public async Task Build_HostJsonDefaults_ApiPrefixTestHubSqliteUnderAppFolder()
    {
        string folder = this.Folder("""{ "version": "2.0" }""");
        await using WebApplication app = Build(folder);

        HostSettings settings = HostSettings.Read(app.Configuration, folder);

        Assert.Equal("api", settings.RoutePrefix);
        Assert.Equal("TestHubName", settings.HubName);
        Assert.Equal("sqlite", settings.StorageType);
        Assert.Equal(Path.Combine(folder, "data", "durable.db"), settings.DatabasePath);
        Assert.Null(settings.MaxConcurrentActivityFunctions);
        Assert.Null(settings.MaxPollingInterval);
        Assert.Null(settings.InlineActivities);
        Assert.Null(settings.OneWriteEvents);
    }

    [Theory]
    [InlineData("inlineActivities", "false", false)]
    [InlineData("inlineActivities", "true", true)]
    [InlineData("oneWriteEvents", "false", false)]
    [InlineData("oneWriteEvents", "true", true)]
    public async Task Build_BooleanSwitch_IsReadAsABoolean(string key, string value, bool expected)
    {
        string folder = this.Folder($$"""{ "version": "2.0", "extensions": { "durableTask": { "{{key}}": {{value}} } } }""");
        await using WebApplication app = Build(folder);

        HostSettings settings = HostSettings.Read(app.Configuration, folder);

        Assert.Equal(expected, key == "inlineActivities" ? settings.InlineActivities : settings.OneWriteEvents);
    }

    [Theory]
    [InlineData("maxPollingInterval", "00:00:05", 5000)]
    [InlineData("maxQueuePollingInterval", "00:00:00.250", 250)]
    public async Task Build_StorageProviderPollingInterval_IsReadAsATimeSpan(string name, string value, int expectedMilliseconds)
    {
        string folder = this.Folder($$"""{ "version": "2.0", "extensions": { "durableTask": { "storageProvider": { "{{name}}": "{{value}}" } } } }""");
        await using WebApplication app = Build(folder);

        HostSettings settings = HostSettings.Read(app.Configuration, folder);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), settings.MaxPollingInterval);
    }

    [Fact]
    public async Task Build_LocalSettingsValues_AreAppSettingsAndOverrideHostJson()
    {
        string folder = this.Folder("""{ "version": "2.0", "extensions": { "durableTask": { "hubName": "%MyTaskHubName%", "maxConcurrentActivityFunctions": 3 } } }""");
        File.WriteAllText(Path.Combine(folder, "local.settings.json"), """
            {
              "IsEncrypted": false,
              "Values": {
                "MyTaskHubName": "FileHub",
                "MySetting": "from file",
                "AzureFunctionsJobHost__extensions__durableTask__maxConcurrentActivityFunctions": "7",
                "AzureFunctionsJobHost__extensions__http__routePrefix": "v1"
              },
              "ConnectionStrings": { "Db": "Host=x" }
            }
            """);
        await using WebApplication app = Build(folder);

        HostSettings settings = HostSettings.Read(app.Configuration, folder);

        Assert.Equal("from file", app.Configuration["MySetting"]);
        Assert.Equal("Host=x", app.Configuration.GetConnectionString("Db"));
        Assert.Equal("FileHub", settings.HubName);
        Assert.Equal(7, settings.MaxConcurrentActivityFunctions);
        Assert.Equal("v1", settings.RoutePrefix);
    }

    [Fact]
    public async Task Build_EnvironmentVariable_WinsOverLocalSettings()
    {
        // A name no other test uses, so setting it in this process cannot disturb parallel tests.
        string name = "FunctionsHostTest_" + Guid.NewGuid().ToString("N");
        string folder = this.Folder("""{ "version": "2.0" }""");
        File.WriteAllText(Path.Combine(folder, "local.settings.json"), $$"""{ "IsEncrypted": false, "Values": { "{{name}}": "from file", "{{name}}_only": "file only" } }""");
        Environment.SetEnvironmentVariable(name, "from environment");
        try
        {
            await using WebApplication app = Build(folder);

            Assert.Equal("from environment", app.Configuration[name]);
            Assert.Equal("file only", app.Configuration[name + "_only"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Build_EncryptedLocalSettings_FailsSayingSo()
    {
        string folder = this.Folder("""{ "version": "2.0" }""");
        File.WriteAllText(Path.Combine(folder, "local.settings.json"), """{ "IsEncrypted": true, "Values": {} }""");

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => Build(folder));

        Assert.StartsWith("local.settings.json is marked \"IsEncrypted\": true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_HostJsonLogLevels_FilterCategories()
    {
        string folder = this.Folder("""
            { "version": "2.0", "logging": { "logLevel": { "default": "Warning", "Function.Chatty": "Debug" } } }
            """);
        await using WebApplication app = Build(folder);

        ILoggerFactory loggers = app.Services.GetRequiredService<ILoggerFactory>();

        Assert.False(loggers.CreateLogger("Some.Category").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Some.Category").IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("Function.Chatty.User").IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public void PhoneVerificationFunctions_ListEveryFunctionClassOfTheApp()
    {
        // The type locator is explicit; this catches a function class added to the app but not to the list.
        Type[] withFunctions = [.. typeof(PhoneVerification.HttpStart).Assembly.GetExportedTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttributes(typeof(Microsoft.Azure.WebJobs.FunctionNameAttribute), false).Length > 0))];

        Assert.Equal(withFunctions.OrderBy(t => t.FullName), FunctionsHostOptions.PhoneVerificationFunctions.OrderBy(t => t.FullName));
    }

    [Theory]
    [InlineData(new[] { "--port", "8080" }, 8080)]
    [InlineData(new[] { "-p", "0" }, 0)]
    [InlineData(new string[0], null)]
    public void FromCommandLine_Port_IsRead(string[] args, int? expected)
    {
        FunctionsHostOptions options = FunctionsHostOptions.FromCommandLine(args);

        Assert.Equal(expected, options.Port);
        Assert.True(options.ExportLocalSettingsToEnvironment);
    }

    [Theory]
    [InlineData("--port", "http")]
    [InlineData("--port", "70000")]
    [InlineData("--port")]
    public void FromCommandLine_BadPort_FailsWithMessage(params string[] args)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => FunctionsHostOptions.FromCommandLine(args));

        Assert.Contains("--port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithTheShippedExampleLocalSettings_Succeeds()
    {
        // A newcomer copies local.settings.json.example to local.settings.json: every value in it must pass the
        // start-up checks (Twilio settings all empty = outbox, challenge and abuse-limit settings, code key).
        string root = TestHost.RepositoryRoot();
        string folder = this.Folder(File.ReadAllText(Path.Combine(root, "host.json")));
        File.Copy(Path.Combine(root, "local.settings.json.example"), Path.Combine(folder, "local.settings.json"));
        await using WebApplication app = Build(folder);

        await app.StartAsync();
        await app.StopAsync();

        Assert.Equal("600", app.Configuration["SmsVerificationStartWindowSeconds"]);
        Assert.Equal("SampleHubVS", HostSettings.Read(app.Configuration, folder).HubName);
    }

    [Fact]
    public void Build_MalformedChallengeCodeKey_FailsAtStartNamingTheSetting()
    {
        string folder = this.Folder("""{ "version": "2.0" }""");
        File.WriteAllText(Path.Combine(folder, "local.settings.json"), """{ "IsEncrypted": false, "Values": { "SmsChallengeCodeKey": "too-short" } }""");

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => Build(folder));

        Assert.Contains("SmsChallengeCodeKey", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("too-short", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_WatchesNoConfigurationFile()
    {
        // The default SQLite store lives in the app folder: a watched folder would wake the host on every commit.
        string folder = this.Folder("""{ "version": "2.0" }""");
        File.WriteAllText(Path.Combine(folder, "appsettings.json"), "{}");
        await using WebApplication app = Build(folder);

        Microsoft.Extensions.Configuration.FileConfigurationProvider[] files =
            [.. ((IConfigurationRoot)app.Configuration).Providers.OfType<Microsoft.Extensions.Configuration.FileConfigurationProvider>()];

        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, f.Source.Path));
    }

    private static WebApplication Build(string folder) =>
        FunctionsHostBuilder.Build(new FunctionsHostOptions { ScriptRoot = folder, Port = 0, EnvironmentName = "Development", BannerOutput = TextWriter.Null });

    private string Folder(string? hostJson)
    {
        string folder = Path.Combine(Path.GetTempPath(), "functionshost-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        this.folders.Add(folder);
        if (hostJson is not null)
        {
            File.WriteAllText(Path.Combine(folder, "host.json"), hostJson);
        }

        return folder;
    }
}
