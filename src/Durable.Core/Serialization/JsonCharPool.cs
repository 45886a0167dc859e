using System.Buffers;
using Newtonsoft.Json;

namespace Durable.Core.Serialization;

/// <summary>
/// Lends Newtonsoft's readers and writers their character buffers from the shared pool: without it each reader
/// allocates its own, and every stored history event, payload and status body is parsed by a new reader.
/// </summary>
public sealed class JsonCharPool : IArrayPool<char>
{
    private JsonCharPool()
    {
    }

    /// <summary>The one instance.</summary>
    public static JsonCharPool Instance { get; } = new();

    /// <inheritdoc/>
    public char[] Rent(int minimumLength) => ArrayPool<char>.Shared.Rent(minimumLength);

    /// <inheritdoc/>
    public void Return(char[]? array)
    {
        if (array is not null)
        {
            ArrayPool<char>.Shared.Return(array);
        }
    }

    /// <summary>A reader of <paramref name="json"/> that leaves dates as strings, as everywhere in the engine.</summary>
    public static JsonTextReader Reader(string json) =>
        new(new StringReader(json)) { DateParseHandling = DateParseHandling.None, ArrayPool = Instance };

    /// <summary>Writes <paramref name="value"/> with <paramref name="serializer"/> into a string.</summary>
    public static string Write(JsonSerializer serializer, object? value)
    {
        using StringWriter text = new(new System.Text.StringBuilder(256), System.Globalization.CultureInfo.InvariantCulture);
        using (JsonTextWriter writer = new(text) { ArrayPool = Instance, Formatting = serializer.Formatting })
        {
            serializer.Serialize(writer, value);
        }

        return text.ToString();
    }
}
