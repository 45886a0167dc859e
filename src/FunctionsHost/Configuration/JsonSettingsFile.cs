using System.Globalization;
using System.Text.Json;

namespace FunctionsHost.Configuration;

/// <summary>Reads host.json and local.settings.json (comments and trailing commas allowed, as the Functions host does).</summary>
internal static class JsonSettingsFile
{
    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static JsonDocument Read(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{Path.GetFileName(path)} is not valid JSON: {e.Message} ({path})", e);
        }
    }

    /// <summary>
    /// host.json as configuration keys under <paramref name="prefix"/> (<c>AzureFunctionsJobHost</c>), so that an app
    /// setting <c>AzureFunctionsJobHost__extensions__durableTask__hubName</c> overrides the file, as in Azure Functions.
    /// </summary>
    public static Dictionary<string, string?> Flatten(JsonElement root, string prefix)
    {
        Dictionary<string, string?> values = new(StringComparer.OrdinalIgnoreCase);
        Add(values, prefix, root);
        return values;
    }

    private static void Add(Dictionary<string, string?> values, string key, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    Add(values, key + ":" + property.Name, property.Value);
                }

                break;
            case JsonValueKind.Array:
                int index = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Add(values, key + ":" + index.ToString(CultureInfo.InvariantCulture), item);
                    index++;
                }

                break;
            case JsonValueKind.String:
                values[key] = element.GetString();
                break;
            case JsonValueKind.True:
                values[key] = "true";
                break;
            case JsonValueKind.False:
                values[key] = "false";
                break;
            case JsonValueKind.Null:
                values[key] = null;
                break;
            default:
                values[key] = element.GetRawText();
                break;
        }
    }
}
