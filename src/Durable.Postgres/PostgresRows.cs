using Durable.Core;
using Durable.Core.History;
using Durable.Core.Serialization;
using Durable.Core.Storage;
using Npgsql;

namespace Durable.Postgres;

/// <summary>Conversions between rows and the contract's records. Times are stored as UTC ticks: exact and ordered.</summary>
internal static class PostgresRows
{
    public const string InstanceColumns =
        "instance_id, execution_id, name, status, input, output, custom_status, created_time, last_updated_time, completed_time, parent_instance_id";

    /// <summary>How many columns <see cref="InstanceColumns"/> names.</summary>
    public const int InstanceColumnCount = 11;

    public const string MessageColumns = "sequence, instance_id, execution_id, visible_time, dequeue_count, payload";

    public const string TaskColumns = "sequence, instance_id, execution_id, name, task_id, input, visible_time, dequeue_count";

    /// <summary>The terminal statuses, for <c>status &lt;&gt; ALL(@terminal)</c>.</summary>
    public static readonly int[] TerminalStatuses =
        [.. Enum.GetValues<OrchestrationStatus>().Where(s => s.IsTerminal()).Select(s => (int)s)];

    public static long Ticks(DateTimeOffset time) => time.UtcTicks;

    public static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);

    public static string Serialize(HistoryEvent e) => HistoryEventJson.Serialize(e);

    public static HistoryEvent Deserialize(string json) => HistoryEventJson.Deserialize(json);

    public static InstanceRecord ReadInstance(NpgsqlDataReader r) => new(
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

    /// <summary>A claim's row: the leased instance's columns, then one of its messages (null when it had none).</summary>
    public static (InstanceRecord Instance, OrchestrationMessage? Message) ReadInstanceAndMessage(NpgsqlDataReader r) =>
        (ReadInstance(r), r.IsDBNull(InstanceColumnCount) ? null : ReadMessage(r, InstanceColumnCount));

    /// <summary>
    /// The messages of a claim's rows in the contract's order, visibility then arrival: RETURNING yields rows in no
    /// promised order.
    /// </summary>
    public static List<OrchestrationMessage> MessagesInOrder(IEnumerable<(InstanceRecord Instance, OrchestrationMessage? Message)> rows)
    {
        List<OrchestrationMessage> messages = [.. rows.Select(r => r.Message).OfType<OrchestrationMessage>()];
        messages.Sort((a, b) => a.VisibleTime != b.VisibleTime ? a.VisibleTime.CompareTo(b.VisibleTime) : a.SequenceNumber.CompareTo(b.SequenceNumber));
        return messages;
    }

    /// <summary>A message row (<see cref="MessageColumns"/>, starting at column <paramref name="first"/>).</summary>
    public static OrchestrationMessage ReadMessage(NpgsqlDataReader r, int first = 0) => new(
        r.GetInt64(first),
        r.GetString(first + 1),
        r.IsDBNull(first + 2) ? null : r.GetString(first + 2),
        Deserialize(r.GetString(first + 5)),
        Time(r.GetInt64(first + 3)),
        r.GetInt32(first + 4));

    /// <summary>
    /// A task row (<see cref="TaskColumns"/>, then whether another task was leasable) as a work item leased by
    /// <paramref name="owner"/> under <paramref name="leaseToken"/>.
    /// </summary>
    public static ActivityWorkItem ReadTask(NpgsqlDataReader r, string owner, long leaseToken, DateTimeOffset leaseExpiration) => new(
        r.GetInt64(0),
        new NewActivityTask(r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.IsDBNull(5) ? null : r.GetString(5), Time(r.GetInt64(6))),
        r.GetInt32(7),
        owner,
        leaseToken,
        leaseExpiration)
    {
        MoreWorkVisible = r.GetBoolean(8),
    };
}
