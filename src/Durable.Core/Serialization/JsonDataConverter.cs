using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Durable.Core.Serialization;

/// <summary>
/// Turns inputs, outputs, event payloads and results into stored JSON text and back, with the settings
/// Durable Functions uses (Newtonsoft, no type names, dates left as strings) so payloads read the same.
/// </summary>
public static class JsonDataConverter
{
    /// <summary>The serializer settings used everywhere in the engine.</summary>
    public static JsonSerializerSettings Settings { get; } = new()
    {
        TypeNameHandling = TypeNameHandling.None,
        DateParseHandling = DateParseHandling.None,
    };

    private static readonly JsonSerializer Serializer = JsonSerializer.Create(Settings);

    /// <summary>JSON text of <paramref name="value"/>; null stays null. A JToken is written as is.</summary>
    public static string? Serialize(object? value) =>
        value switch
        {
            null => null,
            JToken token => token.ToString(Formatting.None),
            _ => JsonCharPool.Write(Serializer, value),
        };

    /// <summary>Reads <paramref name="json"/> as <typeparamref name="T"/>; null or empty text gives default.</summary>
    public static T? Deserialize<T>(string? json) => (T?)Deserialize(json, typeof(T));

    /// <summary>Reads <paramref name="json"/> as <paramref name="type"/>; null or empty text gives the type's default.</summary>
    public static object? Deserialize(string? json, Type type)
    {
        if (string.IsNullOrEmpty(json))
        {
            return type.IsValueType ? Activator.CreateInstance(type) : null;
        }

        using JsonTextReader reader = JsonCharPool.Reader(json);
        return Serializer.Deserialize(reader, type);
    }

    /// <summary>
    /// Stored JSON as a token for status output: unparsable text is returned as a plain string and
    /// whitespace-only text as "", as Durable Functions' HTTP API does.
    /// </summary>
    public static JToken? ToToken(string? json)
    {
        if (json is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(json))
        {
            return JValue.CreateString(string.Empty);
        }

        try
        {
            using JsonTextReader reader = JsonCharPool.Reader(json);
            return JToken.ReadFrom(reader);
        }
        catch (JsonReaderException)
        {
            return JValue.CreateString(json);
        }
    }
}
