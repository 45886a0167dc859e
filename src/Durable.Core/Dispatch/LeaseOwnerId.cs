using System.Globalization;

namespace Durable.Core.Dispatch;

/// <summary>
/// The lease owner id of an engine: <c>machine:pid:processStart:random</c>. Besides fencing commits (the random part
/// makes it unique per engine), it lets a host that starts on the same machine recognise the leases of a process
/// that is gone (killed with <c>kill -9</c>, crashed) and release them at once instead of waiting for them to expire.
/// </summary>
/// <remarks>
/// The process start time guards against pid reuse: a pid that now belongs to another process is "gone" for the
/// owner that used it before. Owners on other machines are never judged (their pids mean nothing here), so hosts
/// sharing a PostgreSQL store keep each other's leases until they expire, as before. A store's own markers that do
/// not parse as an owner id (such as an abandoned-with-delay marker) are never released.
/// </remarks>
internal static class LeaseOwnerId
{
    private const char Separator = ':';

    /// <summary>A new owner id for an engine of this process.</summary>
    public static string New() => string.Join(
        Separator,
        Environment.MachineName,
        Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        LocalProcess.StartToken(Environment.ProcessId)?.ToString(CultureInfo.InvariantCulture) ?? "0",
        Guid.NewGuid().ToString("N"));

    /// <summary>
    /// True when <paramref name="owner"/> names a process of this machine that no longer runs (or whose pid now
    /// belongs to a different process). False for live processes, other machines, and anything unparsable.
    /// </summary>
    public static bool IsGoneFromThisMachine(string owner)
    {
        // The machine name may itself hold the separator; the last three parts never do.
        string[] parts = owner.Split(Separator);
        if (parts.Length < 4
            || !int.TryParse(parts[^3], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
            || !long.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out long start)
            || parts[^1].Length != 32)
        {
            return false;
        }

        string machine = string.Join(Separator, parts[..^3]);
        if (!string.Equals(machine, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            // This very process: an engine of ours that is still running (the random part differs) or one that
            // was disposed without releasing (a test); only a different start token means an earlier process.
            return start != 0 && LocalProcess.StartToken(pid) is long mine && mine != 0 && mine != start;
        }

        long? current = LocalProcess.StartToken(pid);
        return current is null || (start != 0 && current != 0 && current != start);
    }
}
