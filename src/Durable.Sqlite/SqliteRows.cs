using Durable.Core;
using Durable.Core.History;
using Durable.Core.Serialization;
using Durable.Core.Storage;
using Microsoft.Data.Sqlite;
using Newtonsoft.Json;

namespace Durable.Sqlite;

/// <summary>Conversions between rows and the contract's records. Times are stored as UTC ticks: exact and ordered.</summary>
internal static class SqliteRows
{
    public const string InstanceColumns =
        "instance_id, execution_id, name, status, input, output, custom_status, created_time, last_updated_time, completed_time, parent_instance_id";

    public static long Ticks(DateTimeOffset time) => time.UtcTicks;

    public static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);

    public static string Serialize(HistoryEvent e) => JsonConvert.SerializeObject(e, JsonDataConverter.Settings);

    public static HistoryEvent Deserialize(string json) =>
        JsonConvert.DeserializeObject<HistoryEvent>(json, JsonDataConverter.Settings) ?? throw new InvalidDataException("Empty history event.");

    public static InstanceRecord ReadInstance(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        (OrchestrationRuntimeStatus)r.GetInt32(3),
        r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : r.GetString(6),
        Time(r.GetInt64(7)),
        Time(r.GetInt64(8)),
        r.IsDBNull(9) ? null : Time(r.GetInt64(9)),
        r.IsDBNull(10) ? null : r.GetString(10));
}
