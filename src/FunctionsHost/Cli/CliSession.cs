using System.CommandLine;
using Durable.Core;
using Durable.Core.Client;
using Durable.Core.Storage;
using FunctionsHost.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace FunctionsHost.Cli;

/// <summary>
/// The store and durable client of one command, configured exactly as the host configures itself (same app folder
/// rules, host.json, local.settings.json and environment), with <c>--task-hub-name</c> and
/// <c>--connection-string-setting</c> winning over them. No dispatcher runs: hosts on the store do the work.
/// </summary>
internal sealed class CliSession : IAsyncDisposable
{
    private const string DurableTask = HostSettings.Root + ":extensions:durableTask";
    private readonly DurableEngine engine;

    private CliSession(HostSettings settings, IOrchestrationStore store, DurableEngine engine)
    {
        this.Settings = settings;
        this.Store = store;
        this.engine = engine;
    }

    public HostSettings Settings { get; }

    public IOrchestrationStore Store { get; }

    public DurableClient Client => this.engine.Client;

    /// <summary>Where the hub lives, for messages: the SQLite file, or the PostgreSQL setting's name (never its value).</summary>
    public string StoreDescription => this.Settings.StorageType == "postgres"
        ? $"PostgreSQL (app setting '{this.Settings.ConnectionStringName}')"
        : $"SQLite file {this.Settings.DatabasePath}";

    /// <summary>Reads the configuration and opens the store; configuration mistakes are bad usage (exit 2).</summary>
    public static async Task<CliSession> OpenAsync(ParseResult parseResult, CliGlobalOptions options, CancellationToken cancellationToken)
    {
        HostSettings settings = ReadSettings(parseResult, options);
        IOrchestrationStore store;
        try
        {
            store = StoreFactory.Create(settings, TimeProvider.System);
        }
        catch (ArgumentException e)
        {
            throw CliException.BadUsage(e.Message);
        }

        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            KnownFunctions functions = new(FunctionsHostOptions.PhoneVerificationFunctions);
            DurableEngine engine = new(
                store,
                functions,
                functions,
                new DurableEngineOptions { HubName = settings.HubName },
                TimeProvider.System,
                NullLoggerFactory.Instance);
            return new CliSession(settings, store, engine);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The engine was never started: disposing it stops nothing, the store closes its connections.
        await this.engine.DisposeAsync().ConfigureAwait(false);
        await this.Store.DisposeAsync().ConfigureAwait(false);
    }

    private static HostSettings ReadSettings(ParseResult parseResult, CliGlobalOptions options)
    {
        try
        {
            string scriptRoot = Configuration.ScriptRoot.Resolve(parseResult.GetValue(options.ScriptRoot));
            LocalSettings localSettings = LocalSettings.Load(scriptRoot);
            Dictionary<string, string?> overrides = new(StringComparer.OrdinalIgnoreCase);
            if (parseResult.GetValue(options.TaskHubName) is { } hub)
            {
                overrides[DurableTask + ":hubName"] = string.IsNullOrWhiteSpace(hub) ? throw CliException.BadUsage("--task-hub-name must not be empty.", "--task-hub-name") : hub;
            }

            string? connection = parseResult.GetValue(options.ConnectionStringSetting);
            if (connection is not null)
            {
                overrides[DurableTask + ":storageProvider:connectionStringName"] = connection;
            }

            ConfigurationManager configuration = new();
            HostConfiguration.Apply(configuration, scriptRoot, localSettings, overrides);
            HostSettings settings = HostSettings.Read(configuration, scriptRoot);
            return connection is not null && settings.StorageType != "postgres"
                ? throw CliException.BadUsage(
                    $"--connection-string-setting names a PostgreSQL connection string, but this app stores durable state in SQLite ({settings.DatabasePath}).",
                    "--connection-string-setting")
                : settings;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            throw CliException.BadUsage(e.Message);
        }
    }
}
