using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;
using Durable.Sqlite;
using Durable.Testing;
using Xunit.Abstractions;

namespace Durable.Stores.Tests;

/// <summary>
/// "Disk full" on the SQLite store, provoked with SQLite's page cap on the write connection
/// (<see cref="SqliteStoreOptions.MaxPageCountForTests"/>): a write that needs one more page fails with SQLITE_FULL,
/// exactly as when the disk has no room. The store must say so (<see cref="StoreUnavailableException"/>), write nothing
/// of the failed call, keep what it acknowledged before, and take writes again as soon as there is room, without
/// being reopened. The group-commit writer is checked for both ways SQLite answers SQLITE_FULL inside a transaction:
/// rolling back the whole transaction, or only the failing statement.
/// </summary>
public sealed class SqliteStoreFullTests : IDisposable
{
    // Most of a 4 KiB page per row, so a cap of a few pages is met within a few writes.
    private const int BigPayload = 3000;

    // SQLite's largest page cap: "no limit" for the tests that give the room back.
    private const long NoCap = 4294967294;

    // A single-row INSERT ... VALUES: run without a statement journal.
    private static readonly string[] InsertValues = ["INSERT INTO big_rows (id, payload) VALUES ($id, randomblob(3000))"];

    // A small insert that fits, then an INSERT ... SELECT that may abort, so it runs with a statement journal.
    private static readonly string[] MarkThenInsertSelect =
    [
        "INSERT INTO marks (id) VALUES ($id)",
        "INSERT INTO big_rows (id, payload) SELECT $id, randomblob(3000)",
    ];

    private readonly TempDatabaseFile database = new("durable-store-full");
    private readonly FakeTimeProvider time = new();
    private readonly CancellationTokenSource timeout = new(TimeSpan.FromSeconds(30));
    private readonly ITestOutputHelper output;

    public SqliteStoreFullTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    private CancellationToken Token => this.timeout.Token;

    [Fact]
    public async Task Store_DiskFull_StartRefusedUnavailable_NothingOfItWritten_EarlierIntact_RecoversWhenSpaceFreed()
    {
        // Arrange: ten instances run to completion (rows and histories), acknowledged while there was room.
        Dictionary<string, EventType[]> completed = [];
        await using (SqliteOrchestrationStore roomy = this.NewStore(maxPages: null))
        {
            await roomy.InitializeAsync(this.Token);
            for (int i = 0; i < 10; i++)
            {
                completed[$"done-{i}"] = await this.CreateAndCompleteAsync(roomy, $"done-{i}");
            }
        }

        // From here the file may grow by a few pages only.
        await using SqliteOrchestrationStore store = this.NewStore(maxPages: this.PageCount() + 16);
        await store.InitializeAsync(this.Token);

        // Act: start instances until the file has no room left (free pages inside it are used up first).
        List<string> started = [];
        StoreUnavailableException? full = null;
        string refusedId = string.Empty;
        for (int i = 0; i < 200 && full is null; i++)
        {
            string id = $"new-{i}";
            try
            {
                Assert.Equal(CreateInstanceResult.Created, await store.CreateInstanceAsync(this.Instance(id, BigInput()), this.Token));
                started.Add(id);
            }
            catch (StoreUnavailableException ex)
            {
                (full, refusedId) = (ex, id);
            }
        }

        // Assert: refused as "disk full", nothing of the refused start is there, everything acknowledged before is.
        Assert.NotNull(full);
        this.output.WriteLine($"{started.Count} starts fitted, then: {full.Message}");
        Assert.NotEmpty(started);
        Assert.Contains(this.database.Path, full.Message, StringComparison.Ordinal);
        Assert.Contains("the disk is full", full.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetInstanceAsync(refusedId, this.Token));
        await this.AssertCompletedIntactAsync(store, completed);
        await AssertStartedIntactAsync(store, started);

        // Space comes back (five completed instances purged, their pages freed inside the file): the same store
        // object takes the refused start, and the earlier data is still as it was.
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(1, await store.PurgeInstanceAsync($"done-{i}", this.Token));
            completed.Remove($"done-{i}");
        }

        Assert.Equal(CreateInstanceResult.Created, await store.CreateInstanceAsync(this.Instance(refusedId, BigInput()), this.Token));
        Assert.Equal(OrchestrationStatus.Pending, (await store.GetInstanceAsync(refusedId, this.Token))?.Status);
        await this.AssertCompletedIntactAsync(store, completed);
        await AssertStartedIntactAsync(store, started);

        // The refused call left no inbox row behind either: the instance has one start message, the retried one's.
        OrchestrationWorkItem retried = await this.LeaseAsync(store, refusedId, started.Count + 1);
        Assert.Equal(new[] { EventType.ExecutionStarted }, retried.Messages.Select(m => m.Event.EventType));
    }

    [Fact]
    public async Task Writer_DiskFullRollsBackWholeTransaction_EveryWriteOfTheBatchFails_NextBatchSucceeds()
    {
        // A single-row INSERT ... VALUES has no statement journal, so SQLite answers SQLITE_FULL by rolling back
        // the whole transaction: the writes of the batch that had already run (savepoint released) are gone too.
        await using SqliteDatabase db = await this.OpenDatabaseAsync();
        await InsertAsync(db, 1, InsertValues);
        await InsertAsync(db, 2, InsertValues);
        await CapAsync(db, extraPages: 3);
        Outcome[] batch = await RunAsOneBatchAsync(db, ids: [10, 11, 12, 13, 14, 15, 16, 17], InsertValues);

        // Assert: the cap was met after some writes of the batch had run, and no write of the batch was acknowledged.
        Assert.Contains(batch, o => o.Ran);
        Assert.All(batch, o => Assert.Contains("the disk is full", Assert.IsType<StoreUnavailableException>(o.Error).Message, StringComparison.Ordinal));
        Assert.Equal(new long[] { 1, 2 }, await IdsAsync(db));

        // Room again (the cap lifted on the same connection): the next batch commits every write.
        await CapAsync(db, extraPages: null);
        Outcome[] retried = await RunAsOneBatchAsync(db, ids: [10, 11, 12, 13, 14, 15, 16, 17], InsertValues);
        Assert.All(retried, o => Assert.Null(o.Error));
        Assert.Equal(new long[] { 1, 2, 10, 11, 12, 13, 14, 15, 16, 17 }, await IdsAsync(db));
    }

    [Fact]
    public async Task Writer_DiskFullRollsBackOneStatement_OnlyFailingWritesFail_RestOfTheBatchCommitted()
    {
        // Each write inserts a small mark (it fits), then runs an INSERT ... SELECT that may abort. That one has a
        // statement journal, so SQLite answers SQLITE_FULL by undoing that statement only and keeping the transaction
        // (the store's raise-event insert is of this kind); the writer must undo the rest of the write, its mark.
        await using SqliteDatabase db = await this.OpenDatabaseAsync();
        await InsertAsync(db, 1, MarkThenInsertSelect);
        await InsertAsync(db, 2, MarkThenInsertSelect);
        await CapAsync(db, extraPages: 3);
        Outcome[] batch = await RunAsOneBatchAsync(db, ids: [10, 11, 12, 13, 14, 15, 16, 17], MarkThenInsertSelect);

        // Assert: some writes fitted, some did not; exactly the acknowledged ones are stored.
        this.output.WriteLine($"acknowledged: {string.Join(", ", batch.Where(o => o.Error is null).Select(o => o.Id))}");
        Assert.Contains(batch, o => o.Error is null);
        Assert.Contains(batch, o => o.Error is not null);
        Assert.All(batch.Where(o => o.Error is not null), o => Assert.Contains("the disk is full", Assert.IsType<StoreUnavailableException>(o.Error).Message, StringComparison.Ordinal));
        long[] stored = [1, 2, .. batch.Where(o => o.Error is null).Select(o => o.Id)];
        Assert.Equal(stored, await IdsAsync(db));

        // A failed write's earlier statement (its mark) was undone with it: the writer rolled back to its savepoint.
        Assert.Equal(stored, await IdsAsync(db, "marks"));

        // Room again: the refused writes go through.
        await CapAsync(db, extraPages: null);
        Outcome[] retried = await RunAsOneBatchAsync(db, [.. batch.Where(o => o.Error is not null).Select(o => o.Id)], MarkThenInsertSelect);
        Assert.All(retried, o => Assert.Null(o.Error));
        Assert.Equal(new long[] { 1, 2, 10, 11, 12, 13, 14, 15, 16, 17 }, await IdsAsync(db));
        Assert.Equal(new long[] { 1, 2, 10, 11, 12, 13, 14, 15, 16, 17 }, await IdsAsync(db, "marks"));
    }

    public void Dispose()
    {
        this.timeout.Dispose();
        this.database.Dispose();
    }

    private static string BigInput() => "\"" + new string('x', BigPayload) + "\"";

    private static async Task AssertStartedIntactAsync(SqliteOrchestrationStore store, List<string> started)
    {
        foreach (string id in started)
        {
            InstanceRecord? instance = await store.GetInstanceAsync(id, CancellationToken.None);
            Assert.NotNull(instance);
            Assert.Equal(OrchestrationStatus.Pending, instance.Status);
            Assert.Equal(BigInput(), instance.Input);
        }
    }

    /// <summary>Runs <paramref name="sql"/> for one id as its own write; throws unless it was acknowledged.</summary>
    private static Task InsertAsync(SqliteDatabase db, long id, string[] statements) =>
        db.WriteAsync(s => statements.Sum(sql => s.Execute(sql, ("$id", id))), CancellationToken.None);

    /// <summary>Caps the file at its current size plus <paramref name="extraPages"/> (null: no cap), on the write connection.</summary>
    private static Task CapAsync(SqliteDatabase db, int? extraPages) =>
        db.WriteAsync(
            s =>
            {
                long pages = extraPages is { } extra ? (long)s.Scalar("PRAGMA page_count")! + extra : NoCap;
                return s.Scalar($"PRAGMA max_page_count={pages}");
            },
            CancellationToken.None);

    /// <summary>
    /// Queues one write per id while the writer is held inside an earlier batch, so that all of them run as the next
    /// batch, in one transaction; returns for each whether its statement ran and what its caller was told.
    /// </summary>
    private static async Task<Outcome[]> RunAsOneBatchAsync(SqliteDatabase db, long[] ids, string[] statements)
    {
        TaskCompletionSource holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
        using ManualResetEventSlim release = new();
        Task<int> holder = db.WriteAsync(
            _ =>
            {
                holding.SetResult();
                release.Wait(TimeSpan.FromSeconds(30));
                return 0;
            },
            CancellationToken.None);
        await holding.Task;

        bool[] ran = new bool[ids.Length];
        Task[] writes = [.. ids.Select((id, i) => (Task)db.WriteAsync(
            s =>
            {
                int changed = statements.Sum(sql => s.Execute(sql, ("$id", id)));
                ran[i] = true;
                return changed;
            },
            CancellationToken.None))];
        release.Set();
        await holder;

        Outcome[] outcomes = new Outcome[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            Exception? error = await Record.ExceptionAsync(() => writes[i]);
            outcomes[i] = new Outcome(ids[i], ran[i], error);
        }

        return outcomes;
    }

    private static Task<List<long>> IdsAsync(SqliteDatabase db, string table = "big_rows") =>
        db.ReadAsync(s => s.Query($"SELECT id FROM {table} ORDER BY id", r => r.GetInt64(0)), CancellationToken.None);

    private async Task<SqliteDatabase> OpenDatabaseAsync()
    {
        SqliteDatabase db = SqliteDatabase.Open(new SqliteStoreOptions { DatabasePath = this.database.Path, HubName = "FullHub" }, _ => { });
        await db.WriteAsync(
            s =>
            {
                s.ExecuteScript("CREATE TABLE big_rows (id INTEGER PRIMARY KEY, payload BLOB NOT NULL); CREATE TABLE marks (id INTEGER PRIMARY KEY)");
                return 0;
            },
            this.Token);
        return db;
    }

    private async Task AssertCompletedIntactAsync(SqliteOrchestrationStore store, Dictionary<string, EventType[]> completed)
    {
        foreach ((string id, EventType[] history) in completed)
        {
            InstanceRecord? instance = await store.GetInstanceAsync(id, this.Token);
            Assert.NotNull(instance);
            Assert.Equal(OrchestrationStatus.Completed, instance.Status);
            Assert.Equal("\"done\"", instance.Output);
            Assert.Equal(history, (await store.GetHistoryAsync(id, this.Token)).Select(e => e.EventType));
        }
    }

    /// <summary>Starts <paramref name="id"/> and commits one episode that completes it; returns the history written.</summary>
    private async Task<EventType[]> CreateAndCompleteAsync(SqliteOrchestrationStore store, string id)
    {
        Assert.Equal(CreateInstanceResult.Created, await store.CreateInstanceAsync(this.Instance(id, BigInput()), this.Token));
        OrchestrationWorkItem? item = await store.LeaseOrchestrationAsync("owner", TimeSpan.FromMinutes(2), 100, IOrchestrationStore.NoInstances, this.Token);
        Assert.NotNull(item);
        Assert.Equal(id, item.Instance.InstanceId);
        DateTimeOffset now = this.time.GetUtcNow();
        List<HistoryEvent> history =
        [
            new() { EventType = EventType.OrchestratorStarted, Timestamp = now },
            .. item.Messages.Select(m => m.Event),
            new() { EventType = EventType.ExecutionCompleted, Timestamp = now, OrchestrationStatus = OrchestrationStatus.Completed, Result = "\"done\"" },
            new() { EventType = EventType.OrchestratorCompleted, Timestamp = now },
        ];
        await store.CompleteOrchestrationAsync(
            item,
            new OrchestrationCommit
            {
                ExecutionId = item.Instance.ExecutionId,
                NewHistory = history,
                Status = OrchestrationStatus.Completed,
                Input = item.Instance.Input,
                Output = "\"done\"",
                UpdatedTime = now,
                ConsumedMessages = [.. item.Messages.Select(m => m.SequenceNumber)],
            },
            this.Token);
        return [.. history.Select(e => e.EventType)];
    }

    /// <summary>Leases instances (at most <paramref name="candidates"/>) until <paramref name="instanceId"/> comes.</summary>
    private async Task<OrchestrationWorkItem> LeaseAsync(SqliteOrchestrationStore store, string instanceId, int candidates)
    {
        for (int i = 0; i < candidates; i++)
        {
            OrchestrationWorkItem? item = await store.LeaseOrchestrationAsync("owner", TimeSpan.FromMinutes(2), 100, IOrchestrationStore.NoInstances, this.Token);
            if (item?.Instance.InstanceId == instanceId)
            {
                return item;
            }
        }

        throw new InvalidOperationException($"Instance {instanceId} could not be leased.");
    }

    /// <summary>The file's size in pages, read through a connection of its own.</summary>
    private long PageCount()
    {
        using Microsoft.Data.Sqlite.SqliteConnection connection = new($"Data Source={this.database.Path};Pooling=False");
        connection.Open();
        using Microsoft.Data.Sqlite.SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_count";
        return (long)command.ExecuteScalar()!;
    }

    private SqliteOrchestrationStore NewStore(long? maxPages) =>
        new(new SqliteStoreOptions { DatabasePath = this.database.Path, HubName = "FullHub", MaxPageCountForTests = maxPages }, this.time);

    private NewInstance Instance(string id, string input)
    {
        string executionId = Guid.NewGuid().ToString("N");
        DateTimeOffset now = this.time.GetUtcNow();
        HistoryEvent start = new() { EventType = EventType.ExecutionStarted, Timestamp = now, Name = "E4_SmsPhoneVerification", Input = input, ExecutionId = executionId };
        return new NewInstance(id, executionId, "E4_SmsPhoneVerification", input, now, start, null);
    }

    /// <summary>One write of a batch: whether its statement ran inside the transaction, and what its caller was told.</summary>
    private sealed record Outcome(long Id, bool Ran, Exception? Error);
}
