using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Durable.Sqlite;

/// <summary>
/// The SQLite store's own instruments (meter <see cref="MeterName"/>). Process-wide: an fsync is a property of the disk,
/// whichever store instance asked for it.
/// </summary>
public static class SqliteStoreMetrics
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string MeterName = "Durable.Sqlite";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> FsyncDuration = Meter.CreateHistogram<double>(
        "durable.store.fsync.duration", "s", "Write-ahead log syncs (one covers every write committed since the last) and how long each took.");

    /// <summary>Records an fsync that began at <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    internal static void RecordFsync(long startTimestamp, bool succeeded) =>
        FsyncDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, new KeyValuePair<string, object?>("result", succeeded ? "ok" : "failed"));
}
