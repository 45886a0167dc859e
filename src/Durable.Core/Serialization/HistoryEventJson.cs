using Durable.Core.History;
using Newtonsoft.Json;

namespace Durable.Core.Serialization;

/// <summary>
/// The stored form of a history event, the same in every store, so a row written by one build of one store reads
/// back identically. Dates inside payloads stay the strings the user's code wrote.
/// </summary>
public static class HistoryEventJson
{
    // One serializer for every row: JsonConvert would build a new one per call.
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(JsonDataConverter.Settings);

    /// <summary>The event as JSON text.</summary>
    public static string Serialize(HistoryEvent historyEvent) => JsonCharPool.Write(Serializer, historyEvent);

    /// <summary>The event stored as <paramref name="json"/>.</summary>
    public static HistoryEvent Deserialize(string json)
    {
        using JsonTextReader reader = JsonCharPool.Reader(json);
        return Serializer.Deserialize<HistoryEvent>(reader) ?? throw new InvalidDataException("Empty history event.");
    }
}
