using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;
using Durable.Sqlite;
using Durable.Testing;
using Microsoft.Data.Sqlite;
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

    [Fact]
    public async Task Write_LockedByAnotherWriterPastBusyTimeout_UnavailableNamingIt_NothingWritten_TakenOnceReleased()
    {
        // Arrange: an acknowledged start; then another connection (to SQLite, another process) takes the file's write
        // lock and keeps it longer than the store's busy budget.
        await using SqliteOrchestrationStore store = this.NewStore(busyTimeout: TimeSpan.FromMilliseconds(200));
        await store.InitializeAsync(CancellationToken.None);
        Assert.Equal(CreateInstanceResult.Created, await store.CreateInstanceAsync(this.Instance("kept"), CancellationToken.None));
        using SqliteConnection other = new(new SqliteConnectionStringBuilder { DataSource = this.database.Path, Pooling = false }.ToString());
        other.Open();
        Execute(other, "BEGIN IMMEDIATE");

        // Act
        StoreUnavailableException startError = await Assert.ThrowsAsync<StoreUnavailableException>(
            () => store.CreateInstanceAsync(this.Instance("refused"), CancellationToken.None));
        StoreUnavailableException eventError = await Assert.ThrowsAsync<StoreUnavailableException>(
            () => store.EnqueueMessageAsync("kept", this.Answer(), CancellationToken.None));

        // Assert: both refused naming the lock; reads go on, and nothing of the refused calls was written.
        this.output.WriteLine(startError.Message);
        foreach (StoreUnavailableException error in new[] { startError, eventError })
        {
            Assert.Contains(this.database.Path, error.Message, StringComparison.Ordinal);
            Assert.Contains("locked by another writer for longer than the busy budget", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(OrchestrationStatus.Pending, (await store.GetInstanceAsync("kept", CancellationToken.None))?.Status);
        Assert.Null(await store.GetInstanceAsync("refused", CancellationToken.None));

        // Once the other transaction ends, the same store takes both calls again, each exactly once.
        Execute(other, "ROLLBACK");
        Assert.Equal(CreateInstanceResult.Created, await store.CreateInstanceAsync(this.Instance("refused"), CancellationToken.None));
        Assert.Equal(EnqueueResult.Accepted, await store.EnqueueMessageAsync("kept", this.Answer(), CancellationToken.None));
        OrchestrationWorkItem? kept = await store.LeaseOrchestrationAsync("owner", TimeSpan.FromMinutes(1), 100, IOrchestrationStore.NoInstances, CancellationToken.None);
        Assert.NotNull(kept);
        Assert.Equal("kept", kept.Instance.InstanceId);
        Assert.Equal(new[] { EventType.ExecutionStarted, EventType.EventRaised }, kept.Messages.Select(m => m.Event.EventType));
        Assert.NotNull(await store.GetInstanceAsync("refused", CancellationToken.None));
    }

    public void Dispose() => this.database.Dispose();

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

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

    private SqliteOrchestrationStore NewStore(TimeSpan? busyTimeout = null) =>
        new(new SqliteStoreOptions { DatabasePath = this.database.Path, HubName = "FailureHub", BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(10) }, this.time);

    private HistoryEvent Answer() =>
        new() { EventType = EventType.EventRaised, Timestamp = this.time.GetUtcNow(), Name = "SmsChallengeResponse", Input = "1234" };

    private NewInstance Instance(string id)
    {
        string executionId = Guid.NewGuid().ToString("N");
        HistoryEvent start = new() { EventType = EventType.ExecutionStarted, Timestamp = this.time.GetUtcNow(), Name = "E4_SmsPhoneVerification", Input = "\"+15550100\"", ExecutionId = executionId };
        return new NewInstance(id, executionId, "E4_SmsPhoneVerification", "\"+15550100\"", this.time.GetUtcNow(), start, null);
    }
}
