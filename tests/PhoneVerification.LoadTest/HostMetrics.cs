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
    public static TimeSpan? CpuTime(int? pid) =>
        pid is { } p && StatFields(p) is { } fields ? Ticks(fields[11], fields[12]) : null;

    /// <summary>
    /// CPU time of a server and all its child processes (PostgreSQL: the postmaster, its backends and background
    /// workers), including children that have exited since: their time is in the parent's cutime and cstime once it
    /// has reaped them, so the difference of two readings counts a backend that ended in between. Null when the
    /// process is gone or unreadable.
    /// </summary>
    public static TimeSpan? ProcessTreeCpuTime(int? pid)
    {
        if (pid is not { } parent || StatFields(parent) is not { } own)
        {
            return null;
        }

        // Fields 14-17 (1-based): utime, stime, cutime, cstime.
        TimeSpan total = Ticks(own[11], own[12]) + Ticks(own[13], own[14]);
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int child) &&
                StatFields(child) is { } fields && fields[1] == parent.ToString(CultureInfo.InvariantCulture))
            {
                total += Ticks(fields[11], fields[12]);
            }
        }

        return total;
    }

    /// <summary>The parent's id (PPid) of a process, from /proc; null when it is not there.</summary>
    public static int? ParentPid(int pid) =>
        StatFields(pid) is { } fields ? int.Parse(fields[1], CultureInfo.InvariantCulture) : null;

    /// <summary>The command name of a process (/proc/N/comm); null when it is not there.</summary>
    public static string? ProcessName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The SQLite file plus its WAL and shared-memory files, in bytes; null when no path is known.</summary>
    public static long? StoreBytes(string? databasePath) =>
        databasePath is null || !File.Exists(databasePath)
            ? null
            : new[] { databasePath, databasePath + "-wal", databasePath + "-shm" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);

    /// <summary>
    /// The fields of /proc/N/stat after the ")" that closes the command name, so index 0 is the state (field 3, 1-based),
    /// 1 the PPid, 11 and 12 utime and stime; null when the process is gone (it may end while /proc is read).
    /// </summary>
    private static string[]? StatFields(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    // USER_HZ is 100 on Linux.
    private static TimeSpan Ticks(string first, string second) =>
        TimeSpan.FromSeconds((long.Parse(first, CultureInfo.InvariantCulture) + long.Parse(second, CultureInfo.InvariantCulture)) / 100.0);

    /// <summary>The 1/5/15-minute load averages, as `uptime` shows them (the machine is shared).</summary>
    public static string LoadAverages() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
