using Durable.Core;
using Durable.Core.History;
using Durable.Core.Storage;
using Durable.Postgres;
using Durable.Testing;

namespace Durable.Stores.Tests;

/// <summary>
/// LISTEN/NOTIFY: a host learns of work another host wrote at once, for its own hub only. Waits are bounded by the
/// fixture's 60 s token, never timed.
/// </summary>
[Collection(PostgresCollection.Name)]
[PostgresRequired]
public sealed class PostgresWorkArrivalTests : PostgresStoreFixture
{
    public PostgresWorkArrivalTests(PostgresClusterFixture cluster)
        : base(cluster)
    {
    }

    [Fact]
    public async Task SubscribeToWorkArrival_OtherHostStartsInstance_OrchestrationWakeUp()
    {
        // Arrange
        PostgresOrchestrationStore hostA = await this.OpenAsync();
        PostgresOrchestrationStore hostB = await this.OpenAsync();
        using WakeUps wakeUps = await WakeUps.ListenAsync(hostB, this.Token);

        // Act
        await this.CreateAsync(hostA, "verify-1");

        // Assert
        await wakeUps.Orchestrations.WaitAsync(this.Token);
        Assert.Equal(0, wakeUps.ActivityCount);
    }

    [Fact]
    public async Task SubscribeToWorkArrival_ConnectionStringMultiplexes_ListenerStillWakes()
    {
        // Arrange: Npgsql multiplexing (an opt-in of the connection string) shares physical connections between
        // commands, which LISTEN cannot: the listener's own connection must not multiplex.
        string multiplexed = this.Cluster.ConnectionString + ";Multiplexing=true";
        PostgresOrchestrationStore hostA = await this.OpenAsync(connectionString: multiplexed);
        PostgresOrchestrationStore hostB = await this.OpenAsync(connectionString: multiplexed);
        using WakeUps wakeUps = await WakeUps.ListenAsync(hostB, this.Token);

        // Act
        await this.CreateAsync(hostA, "verify-multiplexed");

        // Assert
        await wakeUps.Orchestrations.WaitAsync(this.Token);
        Assert.NotNull(await hostB.LeaseOrchestrationAsync("host-b", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token));
    }

    [Fact]
    public async Task SubscribeToWorkArrival_OtherHostSchedulesActivity_ActivityWakeUp()
    {
        // Arrange
        PostgresOrchestrationStore hostA = await this.OpenAsync();
        PostgresOrchestrationStore hostB = await this.OpenAsync();
        await this.CreateAsync(hostA, "verify-1");
        OrchestrationWorkItem item = (await hostA.LeaseOrchestrationAsync("host-a", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token))!;
        using WakeUps wakeUps = await WakeUps.ListenAsync(hostB, this.Token);

        // Act
        await hostA.CompleteOrchestrationAsync(item, this.Episode(item, scheduleActivity: true), this.Token);

        // Assert
        await wakeUps.Activities.WaitAsync(this.Token);
    }

    [Theory]
    [InlineData(90, 0)]
    [InlineData(1, 1)]
    public async Task SubscribeToWorkArrival_OtherHostSetsATimer_WakesOnlyWhenDueWithinAPoll(int dueInSeconds, int expectedWakeUps)
    {
        // Arrange: a timer due after an idle host's next poll is seen by that poll; waking every host for it now would
        // only cost each an empty lease. Two instances leased, so a second commit can follow the first.
        PostgresOrchestrationStore hostA = await this.OpenAsync();
        PostgresOrchestrationStore hostB = await this.OpenAsync();
        await this.CreateAsync(hostA, "verify-1");
        await this.CreateAsync(hostA, "verify-2");
        OrchestrationWorkItem first = (await hostA.LeaseOrchestrationAsync("host-a", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token))!;
        OrchestrationWorkItem second = (await hostA.LeaseOrchestrationAsync("host-a", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token))!;
        using WakeUps wakeUps = await WakeUps.ListenAsync(hostB, this.Token);
        DateTimeOffset fireAt = this.Time.GetUtcNow().AddSeconds(dueInSeconds);
        HistoryEvent timer = new() { EventType = EventType.TimerFired, Timestamp = this.Time.GetUtcNow(), TaskScheduledId = 1, FireAt = fireAt };

        // Act: the timer, then an activity of the other instance. A store's NOTIFYs go out one after the other and reach
        // a listener in commit order, so the second commit's activity wake-up comes after anything the first one sent.
        await hostA.CompleteOrchestrationAsync(first, this.Episode(first) with { Messages = [new NewMessage(first.Instance.InstanceId, first.Instance.ExecutionId, timer, fireAt)] }, this.Token);
        await hostA.CompleteOrchestrationAsync(second, this.Episode(second, scheduleActivity: true), this.Token);

        // Assert
        await wakeUps.Activities.WaitAsync(this.Token);
        Assert.Equal(expectedWakeUps, wakeUps.OrchestrationCount);
    }

    [Theory]
    [InlineData("plain", 1)]
    [InlineData("for its own episode", 0)]
    [InlineData("leased, held by the caller", 0)]
    [InlineData("leased, held by another host", 1)]
    public async Task SubscribeToWorkArrival_OtherHostStoresAnEvent_WakesUnlessForItsOwnEpisode(string how, int expectedWakeUps)
    {
        // Arrange: host A runs an episode of verify-1 (it looks again after it itself) and holds verify-2 for the barrier.
        PostgresOrchestrationStore hostA = await this.OpenAsync();
        PostgresOrchestrationStore hostB = await this.OpenAsync();
        await this.CreateAsync(hostA, "verify-1");
        await this.CreateAsync(hostA, "verify-2");
        await hostA.LeaseOrchestrationAsync("host-a", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token);
        OrchestrationWorkItem barrier = (await hostA.LeaseOrchestrationAsync("host-a", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token))!;
        using WakeUps wakeUps = await WakeUps.ListenAsync(hostB, this.Token);
        HistoryEvent raised = new() { EventType = EventType.EventRaised, Name = "SmsChallengeResponse", Input = "1234", Timestamp = this.Time.GetUtcNow() };

        // Act: the event, then an activity; NOTIFYs of one store reach a listener in order.
        EnqueueResult result = how switch
        {
            "plain" => await hostA.EnqueueEventAsync("verify-1", raised, 4, this.Token),
            "for its own episode" => await hostA.EnqueueEventForOwnEpisodeAsync("verify-1", raised, 4, this.Token),
            "leased, held by the caller" => (await hostA.EnqueueEventLeasedAsync("verify-1", raised, 4, "host-a", LeaseDuration, 100, this.Token)).Result,
            _ => (await hostA.EnqueueEventLeasedAsync("verify-1", raised, 4, "host-c", LeaseDuration, 100, this.Token)).Result,
        };
        await hostA.CompleteOrchestrationAsync(barrier, this.Episode(barrier, scheduleActivity: true), this.Token);

        // Assert
        Assert.Equal(EnqueueResult.Accepted, result);
        await wakeUps.Activities.WaitAsync(this.Token);
        Assert.Equal(expectedWakeUps, wakeUps.OrchestrationCount);
    }

    [Fact]
    public async Task SubscribeToWorkArrival_OwnWriteThenOtherHostWrite_OnlyTheOtherWakes()
    {
        // Arrange: the engine wakes itself after its own writes; an echo through the server would only cost it an
        // empty lease and a wake-up query per write.
        PostgresOrchestrationStore hostA = await this.OpenAsync();
        PostgresOrchestrationStore hostB = await this.OpenAsync();
        using WakeUps wakeUps = await WakeUps.ListenAsync(hostB, this.Token);
        await this.CreateAsync(hostA, "verify-other");
        OrchestrationWorkItem item = (await hostA.LeaseOrchestrationAsync("host-a", LeaseDuration, 100, IOrchestrationStore.NoInstances, this.Token))!;

        // A store sends its NOTIFYs after the commit, on a task of its own: the setup's one is awaited and forgotten,
        // or it could land after the count starts.
        await wakeUps.Orchestrations.WaitAsync(this.Token);
        wakeUps.Forget();

        // Act: notifications reach a listener in commit order, so an echo of the own write would come first.
        await this.CreateAsync(hostB, "verify-own");
        await hostA.CompleteOrchestrationAsync(item, this.Episode(item, scheduleActivity: true), this.Token);

        // Assert
        await wakeUps.Activities.WaitAsync(this.Token);
        Assert.Equal(0, wakeUps.OrchestrationCount);
    }

    [Fact]
    public async Task SubscribeToWorkArrival_OtherHubWritesFirst_OnlyOwnHubWakes()
    {
        // Arrange
        PostgresOrchestrationStore hostA = await this.OpenAsync();
        PostgresOrchestrationStore otherHub = await this.OpenAsync("OtherHub");
        PostgresOrchestrationStore hostB = await this.OpenAsync();
        using WakeUps wakeUps = await WakeUps.ListenAsync(hostB, this.Token);

        // Act: the other hub's notification is committed (and so delivered) before this hub's.
        await this.CreateAsync(otherHub, "theirs");
        await this.CreateAsync(hostA, "mine");

        // Assert: by the time this hub's wake-up arrived, the other hub's had been seen and ignored.
        await wakeUps.Orchestrations.WaitAsync(this.Token);
        Assert.Equal(1, wakeUps.OrchestrationCount);
    }

    /// <summary>Counts the wake-ups of one subscription, after the one every (re)connect gives.</summary>
    private sealed class WakeUps : IDisposable
    {
        private IDisposable? subscription;
        private int orchestrationCount;
        private int activityCount;

        public SemaphoreSlim Orchestrations { get; } = new(0);

        public SemaphoreSlim Activities { get; } = new(0);

        public int OrchestrationCount => Volatile.Read(ref this.orchestrationCount);

        public int ActivityCount => Volatile.Read(ref this.activityCount);

        public static async Task<WakeUps> ListenAsync(IWorkArrivalNotifier store, CancellationToken cancellationToken)
        {
            WakeUps wakeUps = new();
            wakeUps.subscription = store.SubscribeToWorkArrival(
                () => { Interlocked.Increment(ref wakeUps.orchestrationCount); wakeUps.Orchestrations.Release(); },
                () => { Interlocked.Increment(ref wakeUps.activityCount); wakeUps.Activities.Release(); });

            // The listener wakes everyone once when its LISTEN is in place: from then on nothing is missed.
            await wakeUps.Orchestrations.WaitAsync(cancellationToken);
            await wakeUps.Activities.WaitAsync(cancellationToken);
            wakeUps.Forget();
            return wakeUps;
        }

        /// <summary>Counts from zero again; wake-ups not yet waited for are dropped.</summary>
        public void Forget()
        {
            while (this.Orchestrations.Wait(0))
            {
            }

            while (this.Activities.Wait(0))
            {
            }

            Interlocked.Exchange(ref this.orchestrationCount, 0);
            Interlocked.Exchange(ref this.activityCount, 0);
        }

        public void Dispose()
        {
            this.subscription?.Dispose();
            this.Orchestrations.Dispose();
            this.Activities.Dispose();
        }
    }
}
