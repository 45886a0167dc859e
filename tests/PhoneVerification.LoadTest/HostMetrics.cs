using System.Globalization;

namespace PhoneVerification.LoadTest;

/// <summary>What the tool can read about the host and the machine from outside: RSS, file sizes, load.</summary>
internal static class HostMetrics
{
    /// <summary>VmRSS of the process in MB, from /proc (Linux); null when unavailable.</summary>
    public static double? RssMegabytes(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/status"))
        {
            return null;
        }

        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                // "VmRSS:	  123456 kB"
                string kb = line["VmRSS:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return Math.Round(long.Parse(kb, CultureInfo.InvariantCulture) / 1024.0, 1);
            }
        }

        return null;
    }

    /// <summary>
    /// CPU time (user + system) the process has used, from /proc/N/stat: per flow it is a cost that a busy shared
    /// machine disturbs far less than wall-clock rates.
    /// </summary>
    public static TimeSpan? CpuTime(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/stat"))
        {
            return null;
        }

        // Fields after the ")" closing the command name: state is field 3, utime 14 and stime 15 (1-based).
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux.
    }

    /// <summary>The SQLite file plus its WAL and shared-memory files, in bytes; null when no path is known.</summary>
    public static long? StoreBytes(string? databasePath) =>
        databasePath is null || !File.Exists(databasePath)
            ? null
            : new[] { databasePath, databasePath + "-wal", databasePath + "-shm" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);

    /// <summary>The 1/5/15-minute load averages, as `uptime` shows them (the machine is shared).</summary>
    public static string LoadAverages() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
