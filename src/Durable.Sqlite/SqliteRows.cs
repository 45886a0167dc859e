using System.Globalization;
using Durable.Core;
using Durable.Core.History;
using Durable.Core.Serialization;
using Durable.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Durable.Sqlite;

/// <summary>Conversions between rows and the contract's records. Times are stored as UTC ticks: exact and ordered.</summary>
internal static class SqliteRows
{
    public const string InstanceColumns =
        "instance_id, execution_id, name, status, input, output, custom_status, created_time, last_updated_time, completed_time, parent_instance_id";

    public const string MessageColumns = "sequence, instance_id, execution_id, visible_time, dequeue_count, payload";

    public const string TaskColumns = "sequence, instance_id, execution_id, name, task_id, input, visible_time, dequeue_count";

    /// <summary>The terminal statuses as a SQL list, e.g. <c>1,3,4,5</c>: formatted from the enum, so no injection surface.</summary>
    public static readonly string TerminalStatusList = string.Join(
        ',',
        Enum.GetValues<OrchestrationStatus>().Where(s => s.IsTerminal()).Select(s => ((int)s).ToString(CultureInfo.InvariantCulture)));

    public static long Ticks(DateTimeOffset time) => time.UtcTicks;

    public static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);

    public static string Serialize(HistoryEvent e) => HistoryEventJson.Serialize(e);

    public static HistoryEvent Deserialize(string json) => HistoryEventJson.Deserialize(json);

    /// <summary>A JSON array of integers, read back in SQL with <c>json_each</c>: one statement for a whole list.</summary>
    public static string JsonArray(IEnumerable<long> values) => "[" + string.Join(',', values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";

    public static InstanceRecord ReadInstance(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        (OrchestrationStatus)r.GetInt32(3),
        r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : r.GetString(6),
        Time(r.GetInt64(7)),
        Time(r.GetInt64(8)),
        r.IsDBNull(9) ? null : Time(r.GetInt64(9)),
        r.IsDBNull(10) ? null : r.GetString(10));

    public static OrchestrationMessage ReadMessage(SqliteDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1),
        r.IsDBNull(2) ? null : r.GetString(2),
        Deserialize(r.GetString(5)),
        Time(r.GetInt64(3)),
        r.GetInt32(4));

    /// <summary>A task row (<see cref="TaskColumns"/>) as a work item leased by <paramref name="owner"/> under <paramref name="leaseToken"/>.</summary>
    public static ActivityWorkItem ReadTask(SqliteDataReader r, string owner, long leaseToken, DateTimeOffset leaseExpiration, bool moreWorkVisible) => new(
        r.GetInt64(0),
        new NewActivityTask(r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.IsDBNull(5) ? null : r.GetString(5), Time(r.GetInt64(6))),
        r.GetInt32(7),
        owner,
        leaseToken,
        leaseExpiration)
    {
        MoreWorkVisible = moreWorkVisible,
    };
}
