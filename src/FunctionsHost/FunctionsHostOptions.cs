namespace FunctionsHost;

/// <summary>How to build the host: what the command line gives a process, and what tests set in-process.</summary>
public sealed class FunctionsHostOptions
{
    /// <summary>
    /// Gets or sets the folder holding host.json and local.settings.json (the function app root). Null: the current
    /// directory or the nearest parent holding host.json, else the same search from the executable's folder.
    /// </summary>
    public string? ScriptRoot { get; set; }

    /// <summary>Gets or sets the HTTP port; 0 picks a free one on 127.0.0.1. Null: <c>ASPNETCORE_URLS</c>, else <c>Host.LocalHttpPort</c>, else 7071.</summary>
    public int? Port { get; set; }

    /// <summary>Gets or sets the environment name. Null: <c>AZURE_FUNCTIONS_ENVIRONMENT</c>, <c>ASPNETCORE_ENVIRONMENT</c>, <c>DOTNET_ENVIRONMENT</c>, else Production.</summary>
    public string? EnvironmentName { get; set; }

    /// <summary>Gets settings that win over host.json, local.settings.json and the environment (tests).</summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The function classes of the PhoneVerification app, listed explicitly: nothing else is indexed.</summary>
    public static IReadOnlyList<Type> PhoneVerificationFunctions { get; } =
    [
        typeof(PhoneVerification.HttpStart),
        typeof(PhoneVerification.SmsPhoneVerification),
        typeof(PhoneVerification.SendSmsChallenge),
    ];

    /// <summary>
    /// Gets or sets the classes the JobHost indexes for <c>[FunctionName]</c> methods (its <c>ITypeLocator</c>); default
    /// <see cref="PhoneVerificationFunctions"/>. No assembly is scanned.
    /// </summary>
    public IReadOnlyList<Type> FunctionTypes { get; set; } = PhoneVerificationFunctions;

    /// <summary>Gets or sets whether local.settings.json <c>Values</c> are exported to the process environment, as Core Tools does (the executable sets it; tests must not).</summary>
    public bool ExportLocalSettingsToEnvironment { get; set; }

    /// <summary>Gets or sets where the start-up banner (functions and URLs) is written; null = standard output.</summary>
    public TextWriter? BannerOutput { get; set; }

    /// <summary>
    /// Gets or sets extra tracing set-up (tests: an in-memory exporter). When set, spans are collected even without
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.
    /// </summary>
    public Action<OpenTelemetry.Trace.TracerProviderBuilder>? ConfigureTracing { get; set; }

    /// <summary>Gets or sets extra service registrations applied last (tests: fakes).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>Reads <c>--port N</c>, <c>--script-root DIR</c> and <c>--environment NAME</c> from the command line.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">An option lacks its value or the port is not a number from 0 to 65535.</exception>
    public static FunctionsHostOptions FromCommandLine(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        FunctionsHostOptions options = new() { ExportLocalSettingsToEnvironment = true };
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name is "--port" or "-p")
            {
                string value = Value(args, ref i, name);
                options.Port = int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port) && port <= 65535
                    ? port
                    : throw new ArgumentException($"--port must be a number from 0 to 65535; got '{value}'.");
            }
            else if (name == "--script-root")
            {
                options.ScriptRoot = Value(args, ref i, name);
            }
            else if (name == "--environment")
            {
                options.EnvironmentName = Value(args, ref i, name);
            }
        }

        return options;
    }

    private static string Value(IReadOnlyList<string> args, ref int i, string name) =>
        ++i < args.Count && !string.IsNullOrWhiteSpace(args[i]) ? args[i] : throw new ArgumentException($"{name} needs a value.");
}
