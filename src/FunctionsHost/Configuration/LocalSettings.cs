using System.Globalization;
using System.Text.Json;

namespace FunctionsHost.Configuration;

/// <summary>
/// local.settings.json as Core Tools reads it: <c>Values</c> are app settings (<c>__</c> in a name means <c>:</c>),
/// <c>ConnectionStrings</c> become <c>ConnectionStrings:name</c>, <c>Host.LocalHttpPort</c> is the default port.
/// </summary>
internal sealed class LocalSettings
{
    public const string FileName = "local.settings.json";

    private LocalSettings(Dictionary<string, string?> values, Dictionary<string, string?> rawValues, int? localHttpPort)
    {
        this.Values = values;
        this.RawValues = rawValues;
        this.LocalHttpPort = localHttpPort;
    }

    /// <summary>Configuration keys and values.</summary>
    public IReadOnlyDictionary<string, string?> Values { get; }

    /// <summary><c>Values</c> as written, for export to the environment.</summary>
    public IReadOnlyDictionary<string, string?> RawValues { get; }

    /// <summary><c>Host.LocalHttpPort</c>, if set.</summary>
    public int? LocalHttpPort { get; }

    /// <summary>Reads the file in <paramref name="scriptRoot"/>; a missing file is an empty one.</summary>
    /// <exception cref="InvalidOperationException">The file is invalid or encrypted.</exception>
    public static LocalSettings Load(string scriptRoot)
    {
        string path = Path.Combine(scriptRoot, FileName);
        Dictionary<string, string?> values = new(StringComparer.OrdinalIgnoreCase);
        Dictionary<string, string?> raw = new(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return new LocalSettings(values, raw, null);
        }

        using JsonDocument document = JsonSettingsFile.Read(path);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException($"{FileName} must hold a JSON object ({path}).");
        }

        // Core Tools treats a missing IsEncrypted as true; we read plain text only and say so.
        if (root.TryGetProperty("IsEncrypted", out JsonElement encrypted) && encrypted.ValueKind == JsonValueKind.True)
        {
            throw new InvalidOperationException($"{FileName} is marked \"IsEncrypted\": true; this host reads plain settings only. Set it to false and store plain values ({path}).");
        }

        if (root.TryGetProperty("Values", out JsonElement settings) && settings.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty setting in settings.EnumerateObject())
            {
                string? value = setting.Value.ValueKind switch
                {
                    JsonValueKind.String => setting.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => setting.Value.GetRawText(),
                };
                raw[setting.Name] = value;
                values[setting.Name.Replace("__", ":", StringComparison.Ordinal)] = value;
            }
        }

        if (root.TryGetProperty("ConnectionStrings", out JsonElement connections) && connections.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty connection in connections.EnumerateObject())
            {
                JsonElement value = connection.Value;
                values["ConnectionStrings:" + connection.Name] = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("ConnectionString", out JsonElement inner)
                    ? inner.GetString()
                    : value.GetString();
            }
        }

        int? port = null;
        if (root.TryGetProperty("Host", out JsonElement host) && host.ValueKind == JsonValueKind.Object
            && host.TryGetProperty("LocalHttpPort", out JsonElement portElement))
        {
            port = portElement.ValueKind == JsonValueKind.Number && portElement.TryGetInt32(out int number) ? number
                : portElement.ValueKind == JsonValueKind.String && int.TryParse(portElement.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) ? parsed
                : throw new InvalidOperationException($"{FileName} Host.LocalHttpPort must be a port number ({path}).");
        }

        return new LocalSettings(values, raw, port);
    }
}
