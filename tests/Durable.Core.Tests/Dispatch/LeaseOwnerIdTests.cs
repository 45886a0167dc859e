using System.Diagnostics;
using System.Globalization;
using Durable.Core.Dispatch;

namespace Durable.Core.Tests.Dispatch;

/// <summary>
/// Which lease owners a starting host may treat as dead: only processes of this machine (host name, boot and pid
/// namespace) that are gone.
/// </summary>
public sealed class LeaseOwnerIdTests
{
    private static readonly string Random32 = Guid.NewGuid().ToString("N");

    [Fact]
    public void IsGoneFromThisMachine_OwnerOfThisProcess_False()
    {
        Assert.False(LeaseOwnerId.IsGoneFromThisMachine(LeaseOwnerId.New()));
    }

    [Fact]
    public async Task IsGoneFromThisMachine_ProcessThatExited_True()
    {
        // Arrange: a process that ran on this machine and is gone.
        int pid = await ExitedPidAsync();

        // Act
        bool gone = LeaseOwnerId.IsGoneFromThisMachine(Owner(Environment.MachineName, pid, 12345));

        // Assert
        Assert.True(gone);
    }

    [Fact]
    public void IsGoneFromThisMachine_ThisPidWithAnotherStartTime_True()
    {
        // An earlier process that had this pid (pid reuse): its leases are not ours, and it is gone.
        Assert.True(LeaseOwnerId.IsGoneFromThisMachine(Owner(Environment.MachineName, Environment.ProcessId, 1)));
    }

    [Fact]
    public void IsGoneFromThisMachine_OtherMachine_False()
    {
        // Hosts sharing a PostgreSQL store keep each other's leases until they expire.
        Assert.False(LeaseOwnerId.IsGoneFromThisMachine(Owner("some-other-host-" + Random32, int.MaxValue - 1, 1)));
    }

    [Theory]
    [InlineData("(abandoned)")]
    [InlineData("owner-a")]
    [InlineData("")]
    [InlineData("host:boot:1:notapid:1:0123456789abcdef0123456789abcdef")]
    public void IsGoneFromThisMachine_NotAnOwnerId_False(string owner)
    {
        Assert.False(LeaseOwnerId.IsGoneFromThisMachine(owner));
    }

    [Fact]
    public void New_SameHostNameAndPid_OtherPidNamespaceOrBoot_DifferentOwners()
    {
        // Arrange: three containers sharing a host name, each running the host as pid 1.
        LocalMachine here = LocalMachine.Current;
        LocalMachine otherContainer = here with { PidNamespace = here.PidNamespace + 1 };
        LocalMachine otherKernel = here with { BootId = Guid.NewGuid().ToString("N") };

        // Act
        string[] owners = [.. new[] { here, otherContainer, otherKernel }.Select(m => WithoutRandomPart(LeaseOwnerId.New(m, 1)))];

        // Assert
        Assert.Equal(3, owners.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task IsGoneFromThisMachine_SameHostNameAndPidOfExitedProcess_OtherPidNamespaceOrBoot_False()
    {
        // Arrange: a pid no process of ours runs under; owners recorded with it by containers sharing our host name.
        int pid = await ExitedPidAsync();
        LocalMachine here = LocalMachine.Current;
        string ours = Owner(here.Name, pid, 12345);
        string otherContainer = Owner(here.Name, pid, 12345, pidNamespace: here.PidNamespace + 1);
        string otherKernel = Owner(here.Name, pid, 12345, bootId: Guid.NewGuid().ToString("N"));

        // Act + Assert: only the owner proven to be of this machine, and dead, is released.
        Assert.True(LeaseOwnerId.IsGoneFromThisMachine(ours));
        Assert.False(LeaseOwnerId.IsGoneFromThisMachine(otherContainer));
        Assert.False(LeaseOwnerId.IsGoneFromThisMachine(otherKernel));
    }

    [Fact]
    public void IsGone_MachineWithoutBootIdOrPidNamespace_False()
    {
        // Where the boot or the pid namespace cannot be read, no pid can be trusted: nothing is released.
        LocalMachine blind = LocalMachine.Current with { PidNamespace = 0 };
        Assert.False(LeaseOwnerId.IsGone(Owner(blind.Name, Environment.ProcessId, 1, pidNamespace: 0), blind));
    }

    [Fact]
    public void IsGoneFromThisMachine_OwnerIdOfAnOlderBuild_False()
    {
        // machine:pid:start:random, without boot or pid namespace: it cannot be proven dead, so its leases expire.
        Assert.False(LeaseOwnerId.IsGoneFromThisMachine(string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{int.MaxValue - 1}:1:{Random32}")));
    }

    /// <summary>An owner id as <see cref="LeaseOwnerId.New()"/> writes it; boot and pid namespace default to this machine's.</summary>
    internal static string Owner(string machine, int pid, long start, string? bootId = null, long? pidNamespace = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{machine}:{bootId ?? LocalMachine.Current.BootId}:{pidNamespace ?? LocalMachine.Current.PidNamespace}:{pid}:{start}:{Random32}");

    /// <summary>The pid of a process that ran on this machine and has exited.</summary>
    internal static async Task<int> ExitedPidAsync()
    {
        using Process exited = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true })!;
        await exited.StandardOutput.ReadToEndAsync();
        await exited.WaitForExitAsync();
        return exited.Id;
    }

    private static string WithoutRandomPart(string owner) => owner[..owner.LastIndexOf(':')];
}
