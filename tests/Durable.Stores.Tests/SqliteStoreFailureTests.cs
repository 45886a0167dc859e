using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;
using Durable.Sqlite;
using Durable.Testing;
using Xunit.Abstractions;

namespace Durable.Stores.Tests;

/// <summary>
/// SQLite failures that mean "the store cannot take writes now" surface as <see cref="StoreUnavailableException"/>
/// naming the cause, write nothing, and leave what was acknowledged before intact.
/// </summary>
public sealed class SqliteStoreFailureTests : IDisposable
{
    private readonly TempDatabaseFile database = new("durable-store-failure");
    private readonly FakeTimeProvider time = new();
    private readonly ITestOutputHelper output;

    public SqliteStoreFailureTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public async Task Write_DatabaseFileReadOnly_UnavailableNamingItAndEarlierDataIntact()
    {
        // Arrange: an acknowledged start, checkpointed into the file; then the file becomes read-only.
        await using (SqliteOrchestrationStore store = this.NewStore())
        {
            await store.InitializeAsync(CancellationToken.None);
            Assert.Equal(CreateInstanceResult.Created, await store.CreateInstanceAsync(this.Instance("kept"), CancellationToken.None));
        }

        if (!await MakeReadOnlyAsync(this.database.Path))
        {
            this.output.WriteLine("SKIPPED: this user cannot make a file read-only (root without chattr/CAP_LINUX_IMMUTABLE).");
            return;
        }

        // Act
        StoreUnavailableException error;
        try
        {
            await using SqliteOrchestrationStore readOnly = this.NewStore();
            error = await Assert.ThrowsAsync<StoreUnavailableException>(async () =>
            {
                await readOnly.InitializeAsync(CancellationToken.None);
                await readOnly.CreateInstanceAsync(this.Instance("refused"), CancellationToken.None);
            });
        }
        finally
        {
            await MakeWritableAsync(this.database.Path);
        }

        // Assert
        this.output.WriteLine(error.Message);
        Assert.Contains(this.database.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("read-only", error.Message, StringComparison.Ordinal);
        await using SqliteOrchestrationStore reopened = this.NewStore();
        await reopened.InitializeAsync(CancellationToken.None);
        Assert.NotNull(await reopened.GetInstanceAsync("kept", CancellationToken.None));
        Assert.Null(await reopened.GetInstanceAsync("refused", CancellationToken.None));
    }

    public void Dispose() => this.database.Dispose();

    /// <summary>chmod takes no effect for root; the immutable flag does. True when the file is now read-only.</summary>
    private static async Task<bool> MakeReadOnlyAsync(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            File.SetAttributes(path, FileAttributes.ReadOnly);
            return true;
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        if (Environment.UserName != "root")
        {
            return true;
        }

        return await RunAsync("chattr", "+i", path) == 0;
    }

    private static async Task MakeWritableAsync(string path)
    {
        if (Environment.UserName == "root")
        {
            await RunAsync("chattr", "-i", path);
        }

        if (OperatingSystem.IsWindows())
        {
            File.SetAttributes(path, FileAttributes.Normal);
            return;
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static async Task<int> RunAsync(string file, params string[] arguments)
    {
        try
        {
            using System.Diagnostics.Process process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, arguments) { RedirectStandardError = true })!;
            await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    private SqliteOrchestrationStore NewStore() =>
        new(new SqliteStoreOptions { DatabasePath = this.database.Path, HubName = "FailureHub" }, this.time);

    private NewInstance Instance(string id)
    {
        string executionId = Guid.NewGuid().ToString("N");
        HistoryEvent start = new() { EventType = EventType.ExecutionStarted, Timestamp = this.time.GetUtcNow(), Name = "E4_SmsPhoneVerification", Input = "\"+15550100\"", ExecutionId = executionId };
        return new NewInstance(id, executionId, "E4_SmsPhoneVerification", "\"+15550100\"", this.time.GetUtcNow(), start, null);
    }
}
