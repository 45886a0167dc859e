using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace FunctionsHost.Configuration;

/// <summary>
/// Adds the Functions configuration sources to the app configuration, lowest priority first: built-in logging defaults,
/// host.json (as <c>AzureFunctionsJobHost:*</c>), local.settings.json <c>Values</c>, the environment (which wins over
/// local.settings.json, as with Core Tools), then the caller's overrides.
/// </summary>
internal static class HostConfiguration
{
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        ["Logging:LogLevel:Host.Startup"] = "Warning",
        ["Logging:LogLevel:Host.General"] = "Warning",
        ["Logging:LogLevel:Durable.Core"] = "Warning",
        ["Logging:LogLevel:Microsoft.Azure.WebJobs.Hosting.OptionsLoggingService"] = "Warning",
    };

    public static void Apply(ConfigurationManager configuration, string scriptRoot, LocalSettings localSettings, IDictionary<string, string?> overrides)
    {
        configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = Defaults });

        using (JsonDocument hostJson = JsonSettingsFile.Read(Path.Combine(scriptRoot, ScriptRoot.HostJson)))
        {
            if (hostJson.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidOperationException($"host.json must hold a JSON object ({scriptRoot}).");
            }

            configuration.AddInMemoryCollection(JsonSettingsFile.Flatten(hostJson.RootElement, HostSettings.Root));
        }

        configuration.AddInMemoryCollection(localSettings.Values);
        configuration.AddEnvironmentVariables();
        configuration.AddInMemoryCollection(overrides.ToDictionary(o => o.Key.Replace("__", ":", StringComparison.Ordinal), o => o.Value, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The environment name: the given one, else <c>AZURE_FUNCTIONS_ENVIRONMENT</c>, <c>ASPNETCORE_ENVIRONMENT</c>,
    /// <c>DOTNET_ENVIRONMENT</c> from the environment or local.settings.json, else Production.
    /// </summary>
    public static string EnvironmentName(string? given, LocalSettings localSettings)
    {
        if (!string.IsNullOrWhiteSpace(given))
        {
            return given;
        }

        foreach (string name in (string[])["AZURE_FUNCTIONS_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT"])
        {
            string? value = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrWhiteSpace(value))
            {
                localSettings.RawValues.TryGetValue(name, out value);
            }

            if (!string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        return "Production";
    }

    /// <summary>Exports <c>Values</c> to the process environment without overwriting, as Core Tools does before the host starts.</summary>
    public static void ExportToEnvironment(LocalSettings localSettings)
    {
        foreach (KeyValuePair<string, string?> value in localSettings.RawValues)
        {
            if (Environment.GetEnvironmentVariable(value.Key) is null && value.Value is not null)
            {
                Environment.SetEnvironmentVariable(value.Key, value.Value);
            }
        }
    }
}
