using System.Diagnostics;
using System.Globalization;
using Durable.Core.Dispatch;

namespace Durable.Core.Tests.Dispatch;

/// <summary>Which lease owners a starting host may treat as dead: only processes of this machine that are gone.</summary>
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
        int pid;
        using (Process exited = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true })!)
        {
            pid = exited.Id;
            await exited.StandardOutput.ReadToEndAsync();
            await exited.WaitForExitAsync();
        }

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
    [InlineData("host:notapid:1:0123456789abcdef0123456789abcdef")]
    public void IsGoneFromThisMachine_NotAnOwnerId_False(string owner)
    {
        Assert.False(LeaseOwnerId.IsGoneFromThisMachine(owner));
    }

    private static string Owner(string machine, int pid, long start) =>
        string.Create(CultureInfo.InvariantCulture, $"{machine}:{pid}:{start}:{Random32}");
}
