using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace FunctionsHost.Security;

/// <summary>The host's key and request-limit settings (app settings), checked at start.</summary>
/// <param name="SecretsPath">Folder of the keys file, absolute (setting <c>FunctionsHostSecretsPath</c>, default <c>secrets</c> under the app folder).</param>
/// <param name="EnableAuth">Setting <c>FunctionsHostEnableAuth</c>: enforce keys even in Development on loopback (like <c>func start --enableAuth</c>).</param>
/// <param name="MaxRequestBodyBytes">Setting <c>HttpMaxRequestBodyBytes</c>: largest request body (default 1 MiB; 413 above).</param>
/// <param name="MaxEventsPerInstance">Setting <c>DurableMaxEventsPerInstance</c>: events one instance accepts (default 100; 429 above).</param>
/// <param name="MaxEventPayloadBytes">Setting <c>DurableMaxEventPayloadBytes</c>: largest raiseEvent body (default 4 KiB; 413 above).</param>
internal sealed record SecuritySettings(string SecretsPath, bool EnableAuth, long MaxRequestBodyBytes, int MaxEventsPerInstance, long MaxEventPayloadBytes)
{
    public const string SecretsPathSetting = "FunctionsHostSecretsPath";
    public const string EnableAuthSetting = "FunctionsHostEnableAuth";
    public const string MaxRequestBodyBytesSetting = "HttpMaxRequestBodyBytes";
    public const string MaxEventsPerInstanceSetting = "DurableMaxEventsPerInstance";
    public const string MaxEventPayloadBytesSetting = "DurableMaxEventPayloadBytes";

    /// <summary>Reads the settings; a bad value stops the host with the setting's name.</summary>
    public static SecuritySettings Read(IConfiguration configuration, string scriptRoot)
    {
        string secrets = configuration[SecretsPathSetting] is { Length: > 0 } given ? given.Trim() : "secrets";
        return new SecuritySettings(
            Path.GetFullPath(Path.Combine(scriptRoot, secrets)),
            ReadBool(configuration, EnableAuthSetting),
            ReadLong(configuration, MaxRequestBodyBytesSetting, Durable.WebJobs.Http.DurableHttpOptions.DefaultMaxRequestBodyBytes, 1024, 100L * 1024 * 1024),
            (int)ReadLong(configuration, MaxEventsPerInstanceSetting, Durable.WebJobs.Http.DurableHttpOptions.DefaultMaxEventsPerInstance, 1, 1_000_000),
            ReadLong(configuration, MaxEventPayloadBytesSetting, Durable.WebJobs.Http.DurableHttpOptions.DefaultMaxEventPayloadBytes, 16, 100L * 1024 * 1024));
    }

    private static bool ReadBool(IConfiguration configuration, string name)
    {
        string? text = configuration[name];
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        return bool.TryParse(text.Trim(), out bool value)
            ? value
            : throw new InvalidOperationException($"The app setting '{name}' must be true or false; it is '{text}'.");
    }

    private static long ReadLong(IConfiguration configuration, string name, long defaultValue, long min, long max)
    {
        string? text = configuration[name];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        return long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"The app setting '{name}' must be a whole number from {min} to {max}; it is '{text}'.");
    }
}
