using System.Text.Json;

namespace Durable.WebJobs.Http;

/// <summary>
/// RFC 8259 JSON and nothing else. JSON.NET, which builds the payload objects, also reads single-quoted strings,
/// <c>NaN</c>, unquoted keys, trailing commas, comments and raw control characters inside strings; System.Text.Json's
/// reader with its default options reads none of these, so every body is checked with it first.
/// </summary>
public static class StrictJson
{
    /// <summary>Nesting allowed in a body, as before (JSON.NET's <c>MaxDepth</c> was 64 too).</summary>
    public const int MaxDepth = 64;

    /// <summary>What is wrong with <paramref name="utf8"/> as one JSON value (no trailing text), or null when it is valid.</summary>
    /// <param name="utf8">The body's bytes, without a byte order mark.</param>
    public static string? Problem(ReadOnlySpan<byte> utf8)
    {
        try
        {
            Utf8JsonReader reader = new(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
            while (reader.Read())
            {
                // Reading to the end validates the whole value, then that nothing but whitespace follows it.
            }

            return null;
        }
        catch (JsonException e)
        {
            return e.Message;
        }
    }
}
