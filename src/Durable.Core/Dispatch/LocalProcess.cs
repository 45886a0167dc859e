using System.Diagnostics;
using System.Globalization;

namespace Durable.Core.Dispatch;

/// <summary>Whether a process of this machine runs, and a token for when it started (to tell a reused pid apart).</summary>
internal static class LocalProcess
{
    /// <summary>
    /// Null when no process with <paramref name="pid"/> runs (a zombie counts as gone); 0 when one runs but its start
    /// cannot be read; otherwise a number that is the same for the same process and differs for a later one.
    /// </summary>
    public static long? StartToken(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            return LinuxStartToken(pid);
        }

        try
        {
            using Process process = Process.GetProcessById(pid);
            if (process.HasExited)
            {
                return null;
            }

            try
            {
                return process.StartTime.ToUniversalTime().Ticks;
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                return 0;
            }
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Cannot inspect it: treat as running, so its leases are left to expire rather than released wrongly.
            return 0;
        }
    }

    private static long? LinuxStartToken(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        // "pid (comm) state ppid ... starttime ...": comm may hold spaces and parentheses, so split after the last ')'.
        // After it come field 3 (state) onwards; starttime is field 22, in clock ticks since boot: fixed per process.
        int close = stat.LastIndexOf(')');
        string[] fields = close < 0 ? [] : stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20)
        {
            return 0;
        }

        if (fields[0] is "Z" or "X" or "x")
        {
            return null;
        }

        return long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out long start) ? start : 0;
    }
}
