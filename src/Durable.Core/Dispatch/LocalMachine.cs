using System.Globalization;

namespace Durable.Core.Dispatch;

/// <summary>
/// What tells this process's "machine" apart from others that share its host name: the kernel's boot id (random per boot,
/// shared by every container on that kernel) and the pid namespace (one per container, so two containers both running as
/// pid 1 differ). A pid means something only within one pid namespace of one boot, so only an owner recorded with both
/// equal to ours can be checked against the processes we see.
/// </summary>
/// <param name="Name">The host name (compose <c>hostname:</c> and host networking make it shared).</param>
/// <param name="BootId">The boot id (<c>/proc/sys/kernel/random/boot_id</c>), or empty where there is none.</param>
/// <param name="PidNamespace">The pid namespace's inode (<c>/proc/self/ns/pid</c>), or 0 where there is none.</param>
internal sealed record LocalMachine(string Name, string BootId, long PidNamespace)
{
    /// <summary>This process's machine, read once.</summary>
    public static LocalMachine Current { get; } = Read();

    /// <summary>True when owners of this machine can be checked by pid: both the boot and the pid namespace are known.</summary>
    public bool CanJudgePids => this.BootId.Length > 0 && this.PidNamespace != 0;

    private static LocalMachine Read()
    {
        string bootId = string.Empty;
        long pidNamespace = 0;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                // A UUID: no separators of ours in it once its dashes are dropped.
                bootId = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim().Replace("-", string.Empty, StringComparison.Ordinal);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }

            try
            {
                // "pid:[4026531836]"
                string link = new FileInfo("/proc/self/ns/pid").LinkTarget ?? string.Empty;
                int open = link.IndexOf('[', StringComparison.Ordinal);
                int close = link.IndexOf(']', StringComparison.Ordinal);
                if (open >= 0 && close > open)
                {
                    _ = long.TryParse(link.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out pidNamespace);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return new LocalMachine(Environment.MachineName, bootId, pidNamespace);
    }
}
