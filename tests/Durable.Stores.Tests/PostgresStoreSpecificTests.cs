using System.Diagnostics;
using System.Globalization;
using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;
using Durable.Postgres;
using Durable.Testing;
using Npgsql;

namespace Durable.Stores.Tests;

/// <summary>
/// What the contract suite cannot say about PostgreSQL: the versioned schema under concurrent start, claiming with
/// SKIP LOCKED while another host holds a row, fencing of a host whose lease was lost, and the error it reports
/// when the server is not there.
/// </summary>
[Collection(PostgresCollection.Name)]
[PostgresRequired]
public sealed class PostgresStoreSpecificTests : PostgresStoreFixture
{
    public PostgresStoreSpecificTests(PostgresClusterFixture cluster)
        : base(cluster)
    {
    }

    [Fact]
    public async Task Initialize_FiveHostsAtOnceOnEmptySchema_OneVersionRowPerMigration()
    {
        // Act: five hosts start together on a schema that does not exist yet.
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => this.OpenAsync())));

        // Assert: the advisory lock made them migrate once; the schema works.
        List<int> versions = await this.QueryAsync($"SELECT version FROM {this.Schema}.schema_version ORDER BY version", r => r.GetInt32(0));
        Assert.Equal(Enumerable.Range(1, PostgresSchema.CurrentVersion), versions);
        PostgresOrchestrationStore store = await this.OpenAsync();
        await this.CreateAsync(store, "verify-1");
        Assert.NotNull(await store.GetInstanceAsync("verify-1", this.Token));
    }

    [Fact]
    public async Task Initialize_SchemaFromNewerBuild_RefusedNamingBothVersions()
    {
        // Arrange
        await this.OpenAsync();
        int newer = PostgresSchema.CurrentVersion + 1;
        await this.ExecuteAsync($"INSERT INTO {this.Schema}.schema_version (version, applied_time) VALUES ({newer}, 0)");

        // Act
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => this.OpenAsync());

        // Assert
        Assert.Contains($"version {newer}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"up to {PostgresSchema.CurrentVersion}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_SecondCallOnTheSameStore_LeavesTheDatabaseAlone()
    {
        // Arrange: the host checks the store before it listens and the engine's start opens it again. The version table
        // is dropped as a marker: an initialization would notice and migrate again.
        PostgresOrchestrationStore store = await this.OpenAsync();
        await this.ExecuteAsync($"DROP TABLE {this.Schema}.schema_version");

        // Act
        await store.InitializeAsync(this.Token);

        // Assert
        Assert.Equal([false], await this.QueryAsync($"SELECT to_regclass('{this.Schema}.schema_version') IS NOT NULL", r => r.GetBoolean(0)));
    }

    [Fact]
    public async Task CreateInstance_SixteenthSinceStart_TablesAnalyzedBeforeTheFirstScheduledRun()
    {
        // Arrange: a new schema, never analyzed. Plans made now would find an instance through the status index (every
        // instance of the hub) and keep that plan as the table grows, until its statistics change.
        Stopwatch sinceStart = Stopwatch.StartNew();
        PostgresOrchestrationStore store = await this.OpenAsync();

        // Act
        await this.CreateAsync(store, [.. Enumerable.Range(1, 16).Select(i => $"verify-{i}")]);

        // Assert: analyzed well before the first scheduled run, 5 s after the store started.
        long analyzed = 0;
        while (analyzed == 0 && sinceStart.Elapsed < TimeSpan.FromSeconds(4))
        {
            await Task.Delay(50, this.Token);
            analyzed = await this.InstancesAnalyzeCountAsync();
        }

        Assert.True(analyzed > 0, $"The instances table was not analyzed within {sinceStart.Elapsed.TotalSeconds:0.0} s of the store's start.");
    }

    [Fact]
    public async Task CreateInstance_SixteenthSinceStart_StatisticsOfAGrownTable_NotAnalyzedAgain()
    {
        // Arrange: a database in use for a while: its instances table holds 10,000 rows (of another hub) and has
        // statistics saying so. Analyzing it again at every host start only costs (a large table's ANALYZE reads up to
        // 30,000 pages) and holds back the pruning of the queues' dead rows while it samples. The host that made the
        // tables is gone (its own early runs with it).
        await (await this.OpenAsync()).DisposeAsync();
        await this.ExecuteAsync(
            $"INSERT INTO {this.Schema}.instances (hub, instance_id, execution_id, name, status, created_time, last_updated_time) " +
            "SELECT 'OtherHub', 'old-' || g, 'e', 'E4_SmsPhoneVerification', 2, 0, 0 FROM generate_series(1, 10000) g; " +
            $"ANALYZE {this.Schema}.instances");
        long before = await this.InstancesAnalyzeCountAsync();
        PostgresOrchestrationStore store = await this.OpenAsync();

        // Act
        await this.CreateAsync(store, [.. Enumerable.Range(1, 16).Select(i => $"verify-{i}")]);

        // Assert: the sixteenth instance analyzes a new table within milliseconds (the test above); not this one.
        Stopwatch waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(50, this.Token);
            Assert.Equal(before, await this.InstancesAnalyzeCountAsync());
        }
    }

    [Fact]
    public async Task LeaseOrchestration_OtherHostHoldsFirstInstanceRowLocked_ClaimsNextWithoutWaiting()
    {
        // Arrange: host A is mid-claim on "verify-1" (its row is locked by an open transaction).
        PostgresOrchestrationStore hostB = await this.OpenAsync();
        await this.CreateAsync(hostB, "verify-1", "verify-2");
        await using NpgsqlConnection hostA = new(this.Cluster.ConnectionString);
        await hostA.OpenAsync(this.Token);
        await using NpgsqlTransaction claim = await hostA.BeginTransactionAsync(this.Token);
        await using (NpgsqlCommand lockRow = new($"SELECT 1 FROM {this.Schema}.instances WHERE instance_id = 'verify-1' FOR UPDATE", hostA, claim))
        {
            await lockRow.ExecuteNonQueryAsync(this.Token);
        }

        // Act: without SKIP LOCKED this would block until A's transaction ends (never, here: the test would time out).
        OrchestrationWorkItem? item = await hostB.LeaseOrchestrationAsync("host-b", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token);

        // Assert
        Assert.NotNull(item);
        Assert.Equal("verify-2", item.Instance.InstanceId);
        await claim.RollbackAsync(this.Token);
        Assert.Equal("verify-1", (await hostB.LeaseOrchestrationAsync("host-b", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token))?.Instance.InstanceId);
    }

    [Fact]
    public async Task CommitIfUnchanged_AnotherHostAppendsHistoryWhileItWaitsForTheRow_SeesItAndWritesNothing()
    {
        // Arrange: host B holds its copy of the instance as its own commit left it; host A is mid-commit on the instance
        // (its row locked by an open transaction).
        PostgresOrchestrationStore hostB = await this.OpenAsync();
        await this.CreateAsync(hostB, "verify-1");
        OrchestrationWorkItem first = await hostB.LeaseOrchestrationAsync("host-b", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token)
            ?? throw new InvalidOperationException("nothing leased");
        await hostB.CompleteOrchestrationAsync(first, this.Episode(first), this.Token);
        InstanceRecord record = await hostB.GetInstanceAsync("verify-1", this.Token) ?? throw new InvalidOperationException("not created");
        IReadOnlyList<HistoryEvent> history = await hostB.GetHistoryAsync("verify-1", this.Token);
        OrchestrationWorkItem copy = new(record, history, [], "host-b", LeaseTokens.New(), this.Time.GetUtcNow() + LeaseDuration);
        OrchestrationCommit answer = new()
        {
            ExecutionId = record.ExecutionId,
            NewHistory = [new HistoryEvent { EventType = EventType.EventRaised, Timestamp = this.Time.GetUtcNow(), Name = "SmsChallengeResponse", Input = "1234" }],
            Status = OrchestrationStatus.Completed,
            Input = record.Input,
            Output = "true",
            UpdatedTime = this.Time.GetUtcNow(),
        };
        await using NpgsqlConnection hostA = new(this.UnpooledConnectionString);
        await hostA.OpenAsync(this.Token);
        await using NpgsqlTransaction commit = await hostA.BeginTransactionAsync(this.Token);
        await using (NpgsqlCommand lockRow = new($"SELECT 1 FROM {this.Schema}.instances WHERE instance_id = 'verify-1' FOR UPDATE", hostA, commit))
        {
            await lockRow.ExecuteNonQueryAsync(this.Token);
        }

        // Act: B's write waits for the row; meanwhile A appends to the history and commits.
        Task<bool> answering = hostB.CommitIfUnchangedAsync(copy, answer, this.Token);
        await this.WaitForALockWaitAsync();
        string started = Durable.Core.Serialization.HistoryEventJson.Serialize(new HistoryEvent { EventType = EventType.OrchestratorStarted, Timestamp = this.Time.GetUtcNow() });
        await using (NpgsqlCommand append = new(
            $"INSERT INTO {this.Schema}.history (hub, instance_id, execution_id, sequence, event_type, payload) VALUES ('TestHubName', 'verify-1', @exec, @sequence, @type, @payload)",
            hostA,
            commit))
        {
            append.Parameters.AddWithValue("exec", record.ExecutionId);
            append.Parameters.AddWithValue("sequence", (long)history.Count);
            append.Parameters.AddWithValue("type", (int)EventType.OrchestratorStarted);
            append.Parameters.AddWithValue("payload", started);
            await append.ExecuteNonQueryAsync(this.Token);
        }

        await commit.CommitAsync(this.Token);
        bool committed = await answering;

        // Assert: B saw A's history, not the snapshot it started with, and wrote nothing.
        Assert.False(committed);
        Assert.Equal(history.Count + 1, (await hostB.GetHistoryAsync("verify-1", this.Token)).Count);
        Assert.Equal(OrchestrationStatus.Running, (await hostB.GetInstanceAsync("verify-1", this.Token))?.Status);
    }

    [Fact]
    public async Task LeaseActivity_OtherHostHoldsFirstTaskRowLocked_ClaimsNextWithoutWaiting()
    {
        // Arrange: two tasks; host A's open transaction locks the first.
        PostgresOrchestrationStore hostB = await this.OpenAsync();
        await this.CreateAsync(hostB, "verify-1", "verify-2");
        for (int i = 0; i < 2; i++)
        {
            OrchestrationWorkItem? episode = await hostB.LeaseOrchestrationAsync("host-b", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token);
            Assert.NotNull(episode);
            await hostB.CompleteOrchestrationAsync(episode, this.Episode(episode, scheduleActivity: true), this.Token);
        }

        await using NpgsqlConnection hostA = new(this.Cluster.ConnectionString);
        await hostA.OpenAsync(this.Token);
        await using NpgsqlTransaction claim = await hostA.BeginTransactionAsync(this.Token);
        long lockedSequence;
        await using (NpgsqlCommand lockRow = new($"SELECT sequence FROM {this.Schema}.tasks ORDER BY sequence LIMIT 1 FOR UPDATE", hostA, claim))
        {
            lockedSequence = Convert.ToInt64(await lockRow.ExecuteScalarAsync(this.Token), CultureInfo.InvariantCulture);
        }

        // Act
        ActivityWorkItem? task = await hostB.LeaseActivityAsync("host-b", LeaseDuration, this.Token);

        // Assert
        Assert.NotNull(task);
        Assert.NotEqual(lockedSequence, task.SequenceNumber);
    }

    [Fact]
    public async Task CompleteOrchestration_LeaseTakenOverByOtherHostAfterExpiry_LateWriterWritesNothing()
    {
        // Arrange: host A leases, stalls past its lease; host B takes the instance over.
        PostgresOrchestrationStore hostA = await this.OpenAsync();
        PostgresOrchestrationStore hostB = await this.OpenAsync();
        await this.CreateAsync(hostA, "verify-1");
        OrchestrationWorkItem stale = (await hostA.LeaseOrchestrationAsync("host-a", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token))!;
        Assert.Null(await hostB.LeaseOrchestrationAsync("host-b", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token));
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        OrchestrationWorkItem current = (await hostB.LeaseOrchestrationAsync("host-b", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token))!;
        Assert.Equal("verify-1", current.Instance.InstanceId);

        // Act
        await Assert.ThrowsAsync<LeaseLostException>(() => hostA.CompleteOrchestrationAsync(stale, this.Episode(stale, scheduleActivity: true), this.Token));

        // Assert: nothing of A's episode is stored (no history, no task); B commits normally.
        Assert.Empty(await hostB.GetHistoryAsync("verify-1", this.Token));
        Assert.Null(await hostB.LeaseActivityAsync("host-b", LeaseDuration, this.Token));
        await hostB.CompleteOrchestrationAsync(current, this.Episode(current), this.Token);
        Assert.NotEmpty(await hostB.GetHistoryAsync("verify-1", this.Token));
    }

    [Fact]
    public async Task CompleteOrchestration_LeaseExpiredButNotYetTakenOver_Refused()
    {
        // Arrange: the fence checks the expiry too, so no second host can be running the episode when A commits.
        PostgresOrchestrationStore hostA = await this.OpenAsync();
        await this.CreateAsync(hostA, "verify-1");
        OrchestrationWorkItem item = (await hostA.LeaseOrchestrationAsync("host-a", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token))!;
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));

        // Act + Assert
        await Assert.ThrowsAsync<LeaseLostException>(() => hostA.CompleteOrchestrationAsync(item, this.Episode(item), this.Token));
        Assert.Empty(await hostA.GetHistoryAsync("verify-1", this.Token));
    }

    [Fact]
    public async Task CompleteActivity_LeaseTakenOverByOtherHost_ResultNotDelivered()
    {
        // Arrange
        PostgresOrchestrationStore hostA = await this.OpenAsync();
        PostgresOrchestrationStore hostB = await this.OpenAsync();
        await this.CreateAsync(hostA, "verify-1");
        OrchestrationWorkItem episode = (await hostA.LeaseOrchestrationAsync("host-a", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token))!;
        await hostA.CompleteOrchestrationAsync(episode, this.Episode(episode, scheduleActivity: true), this.Token);
        ActivityWorkItem stale = (await hostA.LeaseActivityAsync("host-a", LeaseDuration, this.Token))!;
        this.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        ActivityWorkItem current = (await hostB.LeaseActivityAsync("host-b", LeaseDuration, this.Token))!;
        Durable.Core.History.HistoryEvent result = new() { EventType = Durable.Core.History.EventType.TaskCompleted, Timestamp = this.Time.GetUtcNow(), TaskScheduledId = 0, Result = "1234" };

        // Act
        await Assert.ThrowsAsync<LeaseLostException>(() => hostA.CompleteActivityAsync(stale, result, this.Token));
        await hostB.CompleteActivityAsync(current, result, this.Token);

        // Assert: exactly one result reached the orchestration.
        OrchestrationWorkItem next = (await hostB.LeaseOrchestrationAsync("host-b", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token))!;
        Assert.Single(next.Messages);
    }

    [Fact]
    public async Task Calls_ServerDroppedEveryConnection_NextCallsReconnectAndSucceed()
    {
        // Arrange: the pool holds open connections...
        PostgresOrchestrationStore store = await this.OpenAsync();
        await this.CreateAsync(store, "verify-1");

        // ...which the server then kills (as a restart or a network cut would).
        int killed = await this.TerminateConnectionsAsync();

        // Act
        EnqueueResult enqueued = await store.EnqueueMessageAsync("verify-1", new Durable.Core.History.HistoryEvent { EventType = Durable.Core.History.EventType.EventRaised, Timestamp = this.Time.GetUtcNow(), Name = "SmsChallengeResponse", Input = "1234" }, this.Token);
        OrchestrationWorkItem? item = await store.LeaseOrchestrationAsync("host-a", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token);

        // Assert
        Assert.True(killed > 0, "no pooled connection was terminated, so the test proved nothing");
        Assert.Equal(EnqueueResult.Accepted, enqueued);
        Assert.NotNull(item);
        Assert.Equal(2, item.Messages.Count);
    }

    [Fact]
    public async Task Initialize_NothingListensOnPort_StoreUnavailableNamingServer()
    {
        // Arrange: a port that was free a moment ago.
        int port;
        using (System.Net.Sockets.TcpListener probe = new(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        PostgresOrchestrationStore store = new(
            new PostgresStoreOptions { ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Password=secret-pw;Database=x", RetryTimeout = TimeSpan.FromMilliseconds(300) },
            this.Time);
        await using (store)
        {
            // Act
            StoreUnavailableException error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.InitializeAsync(this.Token));

            // Assert: where, and why; never the password.
            Assert.Contains($"127.0.0.1:{port}/x", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("secret-pw", error.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Initialize_DatabaseDoesNotExist_StoreUnavailableSayingSo()
    {
        // Arrange
        NpgsqlConnectionStringBuilder wrong = new(this.Cluster.ConnectionString) { Database = "no_such_db" };
        PostgresOrchestrationStore store = new(new PostgresStoreOptions { ConnectionString = wrong.ConnectionString }, this.Time);
        await using (store)
        {
            // Act
            StoreUnavailableException error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.InitializeAsync(this.Token));

            // Assert
            Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Constructor_MalformedConnectionString_ArgumentExceptionWithoutEchoingIt()
    {
        // Act
        ArgumentException error = Assert.Throws<ArgumentException>(() => new PostgresOrchestrationStore(new PostgresStoreOptions { ConnectionString = "Host=db;Pasword=secret-pw" }, this.Time));

        // Assert
        Assert.Contains("connection string is not valid", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pw", error.Message, StringComparison.Ordinal);
    }

    private async Task<int> TerminateConnectionsAsync()
    {
        string database = new NpgsqlConnectionStringBuilder(this.Cluster.ConnectionString).Database!;
        List<bool> killed = await this.QueryAsync(
            $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
            r => r.GetBoolean(0));
        return killed.Count(k => k);
    }

    /// <summary>How many times the instances table was analyzed by hand (ANALYZE statements, not autovacuum).</summary>
    private async Task<long> InstancesAnalyzeCountAsync() => (await this.QueryAsync(
        $"SELECT analyze_count FROM pg_stat_user_tables WHERE schemaname = '{this.Schema}' AND relname = 'instances'",
        r => r.GetInt64(0)))[0];

    /// <summary>Waits until a backend of the test's database waits for a lock (a statement blocked on a row another holds).</summary>
    private async Task WaitForALockWaitAsync()
    {
        for (int i = 0; i < 200; i++)
        {
            List<long> waiting = await this.QueryAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", r => r.GetInt64(0));
            if (waiting[0] > 0)
            {
                return;
            }

            await Task.Delay(50, this.Token);
        }

        throw new TimeoutException("No statement came to wait for the locked row within 10 s.");
    }
}
