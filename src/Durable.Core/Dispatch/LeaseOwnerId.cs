using System.Globalization;

namespace Durable.Core.Dispatch;

/// <summary>
/// The lease owner id of an engine: <c>machine:bootId:pidNamespace:pid:processStart:random</c>. The random part makes it
/// unique per engine; the rest lets a host that starts on the same machine recognise the leases of a process that is gone
/// (killed with <c>kill -9</c>, crashed) and release them at once instead of waiting for them to expire.
/// </summary>
/// <remarks>
/// Only an owner proven dead is released: same host name, same boot, same pid namespace, and its pid no longer runs (or
/// now belongs to a process that started at another time: pid reuse). Two containers sharing a host name (compose
/// <c>hostname:</c>, host networking) or both running as pid 1 differ in boot id or pid namespace, so neither releases
/// the other's leases; owners of other machines, of an earlier boot, of another container (a restarted container gets a
/// new pid namespace), from an older build (another format) or a store's own markers are never judged: their leases
/// expire as usual, and hosts sharing a PostgreSQL store keep each other's leases until then.
/// </remarks>
internal static class LeaseOwnerId
{
    private const char Separator = ':';

    // Boot id, pid namespace, pid, process start, random: never hold the separator (the machine name may).
    private const int FixedParts = 5;

    /// <summary>A new owner id for an engine of this process.</summary>
    public static string New() => New(LocalMachine.Current, Environment.ProcessId);

    /// <summary>A new owner id for an engine of process <paramref name="pid"/> on <paramref name="machine"/>.</summary>
    internal static string New(LocalMachine machine, int pid) => string.Join(
        Separator,
        machine.Name,
        machine.BootId.Length > 0 ? machine.BootId : "0",
        machine.PidNamespace.ToString(CultureInfo.InvariantCulture),
        pid.ToString(CultureInfo.InvariantCulture),
        LocalProcess.StartToken(pid)?.ToString(CultureInfo.InvariantCulture) ?? "0",
        Guid.NewGuid().ToString("N"));

    /// <summary>
    /// True when <paramref name="owner"/> names a process of this machine (host name, boot and pid namespace) that no longer
    /// runs, or whose pid now belongs to a different process. False for live processes, anything not provably ours, and
    /// anything unparsable.
    /// </summary>
    public static bool IsGoneFromThisMachine(string owner) => IsGone(owner, LocalMachine.Current);

    /// <summary><see cref="IsGoneFromThisMachine"/> as judged on <paramref name="machine"/>.</summary>
    internal static bool IsGone(string owner, LocalMachine machine)
    {
        string[] parts = owner.Split(Separator);
        if (parts.Length < FixedParts + 1
            || !long.TryParse(parts[^4], NumberStyles.None, CultureInfo.InvariantCulture, out long pidNamespace)
            || !int.TryParse(parts[^3], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
            || !long.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out long start)
            || parts[^1].Length != 32)
        {
            return false;
        }

        string name = string.Join(Separator, parts[..^FixedParts]);
        if (!machine.CanJudgePids
            || !string.Equals(name, machine.Name, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(parts[^5], machine.BootId, StringComparison.Ordinal)
            || pidNamespace != machine.PidNamespace)
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
