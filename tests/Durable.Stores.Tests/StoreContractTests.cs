using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;
using Durable.Testing;

namespace Durable.Stores.Tests;

/// <summary>
/// The semantics every <see cref="IOrchestrationStore"/> must have, as one list of facts run against each
/// backend. A backend's test class only supplies <see cref="CreateStore"/>; all time comes from a fake clock,
/// so leases, retry delays and timers are driven by <see cref="FakeTimeProvider.Advance"/>.
/// </summary>
/// <remarks>
/// The facts are split by concern: instances and client messages, orchestration leases and commits,
/// activities, queries and purge, and backing-store behaviour (hubs, reopen, two processes).
/// </remarks>
public abstract partial class StoreContractTests : IAsyncLifetime
{
    protected const string HubName = "TestHubName";
    protected const string OwnerA = "owner-a";
    protected const string OwnerB = "owner-b";
    protected const string OrchestratorName = "E4_SmsPhoneVerification";
    protected const int MaxMessages = 100;

    protected static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);

    private readonly List<IOrchestrationStore> opened = [];
    private readonly CancellationTokenSource timeout = new(TimeSpan.FromSeconds(30));
    private IOrchestrationStore? store;

    /// <summary>The clock of every store the test opens.</summary>
    protected FakeTimeProvider Time { get; } = new();

    /// <summary>The store under test: hub <see cref="HubName"/>, initialized.</summary>
    protected IOrchestrationStore Store => this.store ?? throw new InvalidOperationException("The store is not initialized.");

    /// <summary>Bounds every store call of a test by 30 s of real time.</summary>
    protected CancellationToken Token => this.timeout.Token;

    /// <summary>Now on the fake clock.</summary>
    protected DateTimeOffset Now => this.Time.GetUtcNow();

    public async Task InitializeAsync()
    {
        this.store = await this.OpenStoreAsync(HubName);
    }

    public async Task DisposeAsync()
    {
        foreach (IOrchestrationStore s in this.opened.Distinct())
        {
            await s.DisposeAsync();
        }

        this.opened.Clear();
        this.timeout.Dispose();
    }

    /// <summary>
    /// Opens a store object over this test's backing storage for <paramref name="hubName"/>. Every call with
    /// the same hub sees the same data, so a second call stands for a second process or a restart; calls with
    /// different hubs share the backing storage (one file, one database) where the backend has one.
    /// Called once per test class instance for <see cref="HubName"/> before the test runs.
    /// </summary>
    protected abstract IOrchestrationStore CreateStore(TimeProvider time, string hubName);

    /// <summary>Creates and initializes a store; the test class disposes it.</summary>
    protected async Task<IOrchestrationStore> OpenStoreAsync(string hubName)
    {
        IOrchestrationStore s = this.CreateStore(this.Time, hubName);
        this.opened.Add(s);
        await s.InitializeAsync(this.Token);
        return s;
    }

    /// <summary>Disposes the main store and opens it again over the same backing storage.</summary>
    protected async Task ReopenStoreAsync()
    {
        IOrchestrationStore old = this.Store;
        this.opened.RemoveAll(s => ReferenceEquals(s, old));
        await old.DisposeAsync();
        this.store = await this.OpenStoreAsync(HubName);
    }

    protected static string NewExecutionId() => Guid.NewGuid().ToString("N");

    /// <summary>An instance to create, with its ExecutionStarted message.</summary>
    protected NewInstance NewInstance(
        string instanceId,
        string? input = "\"+15550100\"",
        DateTimeOffset? createdTime = null,
        string? executionId = null,
        string? parentInstanceId = null)
    {
        executionId ??= NewExecutionId();
        HistoryEvent start = new()
        {
            EventType = EventType.ExecutionStarted,
            Timestamp = this.Now,
            Name = OrchestratorName,
            Input = input,
            ExecutionId = executionId,
            InstanceId = parentInstanceId,
            ParentTaskId = parentInstanceId is null ? null : 3,
        };
        return new NewInstance(instanceId, executionId, OrchestratorName, input, createdTime ?? this.Now, start, parentInstanceId);
    }

    /// <summary>Creates an instance in the main store and asserts it was created.</summary>
    protected async Task<NewInstance> CreateAsync(string instanceId, DateTimeOffset? createdTime = null, string? input = "\"+15550100\"")
    {
        NewInstance instance = this.NewInstance(instanceId, input, createdTime);
        Assert.Equal(CreateInstanceResult.Created, await this.Store.CreateInstanceAsync(instance, this.Token));
        return instance;
    }

    protected HistoryEvent EventRaised(string name, string? input = null) => new()
    {
        EventType = EventType.EventRaised,
        Timestamp = this.Now,
        Name = name,
        Input = input,
    };

    protected HistoryEvent TimerFired(int timerId, DateTimeOffset fireAt) => new()
    {
        EventType = EventType.TimerFired,
        Timestamp = this.Now,
        TaskScheduledId = timerId,
        FireAt = fireAt,
    };

    protected HistoryEvent TaskCompleted(int taskId, string? result) => new()
    {
        EventType = EventType.TaskCompleted,
        Timestamp = this.Now,
        TaskScheduledId = taskId,
        Result = result,
    };

    protected NewActivityTask Activity(OrchestrationWorkItem item, int taskId, string name = "E4_SendSmsChallenge", DateTimeOffset? visibleTime = null) =>
        new(item.Instance.InstanceId, item.Instance.ExecutionId, name, taskId, "\"+15550100\"", visibleTime);

    /// <summary>
    /// The commit of a typical episode: consumes every leased message, appends OrchestratorStarted, the
    /// messages' events and OrchestratorCompleted (plus ExecutionCompleted when terminal), and writes the rest.
    /// </summary>
    protected OrchestrationCommit Episode(
        OrchestrationWorkItem item,
        OrchestrationStatus status = OrchestrationStatus.Running,
        IReadOnlyList<NewActivityTask>? tasks = null,
        IReadOnlyList<NewMessage>? messages = null,
        IReadOnlyList<NewInstance>? children = null,
        IReadOnlyList<long>? consumed = null,
        string? output = null,
        string? customStatus = null)
    {
        List<HistoryEvent> history = [new HistoryEvent { EventType = EventType.OrchestratorStarted, Timestamp = this.Now }];
        history.AddRange(item.Messages.Where(m => consumed is null || consumed.Contains(m.SequenceNumber)).Select(m => m.Event));
        if (status.IsTerminal())
        {
            history.Add(new HistoryEvent { EventType = EventType.ExecutionCompleted, Timestamp = this.Now, OrchestrationStatus = status, Result = output });
        }

        history.Add(new HistoryEvent { EventType = EventType.OrchestratorCompleted, Timestamp = this.Now });
        return new OrchestrationCommit
        {
            ExecutionId = item.Instance.ExecutionId,
            NewHistory = history,
            Status = status,
            Input = item.Instance.Input,
            Output = output,
            CustomStatus = customStatus,
            UpdatedTime = this.Now,
            ConsumedMessages = consumed ?? [.. item.Messages.Select(m => m.SequenceNumber)],
            ActivityTasks = tasks ?? [],
            Messages = messages ?? [],
            NewInstances = children ?? [],
        };
    }

    /// <summary>Leases the next instance as <paramref name="owner"/> and asserts it is <paramref name="instanceId"/>.</summary>
    protected async Task<OrchestrationWorkItem> LeaseExpectedAsync(string instanceId, string owner = OwnerA, IOrchestrationStore? from = null)
    {
        OrchestrationWorkItem? item = await (from ?? this.Store).LeaseOrchestrationAsync(owner, LeaseDuration, MaxMessages, this.Token);
        Assert.NotNull(item);
        Assert.Equal(instanceId, item.Instance.InstanceId);
        return item;
    }

    /// <summary>Asserts that no instance can be leased now.</summary>
    protected async Task AssertNoOrchestrationWorkAsync(IOrchestrationStore? from = null)
    {
        Assert.Null(await (from ?? this.Store).LeaseOrchestrationAsync(OwnerB, LeaseDuration, MaxMessages, this.Token));
    }

    /// <summary>Asserts that no activity task can be leased now.</summary>
    protected async Task AssertNoActivityWorkAsync(IOrchestrationStore? from = null)
    {
        Assert.Null(await (from ?? this.Store).LeaseActivityAsync(OwnerB, LeaseDuration, this.Token));
    }

    /// <summary>Leases the instance's pending messages and commits them with <paramref name="commit"/>.</summary>
    protected async Task<OrchestrationCommit> RunEpisodeAsync(string instanceId, Func<OrchestrationWorkItem, OrchestrationCommit> commit)
    {
        OrchestrationWorkItem item = await this.LeaseExpectedAsync(instanceId);
        OrchestrationCommit c = commit(item);
        await this.Store.CompleteOrchestrationAsync(item, c, this.Token);
        return c;
    }

    /// <summary>
    /// Creates an instance and runs its first episode to <paramref name="status"/>. No other instance may have
    /// visible messages at the time: the episode leases whichever instance comes first.
    /// </summary>
    protected async Task<NewInstance> CreateWithStatusAsync(string instanceId, OrchestrationStatus status, DateTimeOffset? createdTime = null)
    {
        NewInstance instance = await this.CreateAsync(instanceId, createdTime);
        if (status != OrchestrationStatus.Pending)
        {
            await this.RunEpisodeAsync(instanceId, item => this.Episode(item, status, output: status.IsTerminal() ? "\"done\"" : null));
        }

        return instance;
    }
}
