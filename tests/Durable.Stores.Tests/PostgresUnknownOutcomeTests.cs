using Durable.Core.History;
using Durable.Core.Storage;
using Durable.Postgres;
using Durable.Testing;
using Npgsql;

namespace Durable.Stores.Tests;

/// <summary>
/// A leasing write whose connection drops while its batch is at the server: the server may still commit it, lease
/// included, and the caller must be told which lease that would be so it can hand it back.
/// </summary>
[Collection(PostgresCollection.Name)]
[PostgresRequired]
public sealed class PostgresUnknownOutcomeTests : PostgresStoreFixture
{
    private const string Owner = "owner-a";

    public PostgresUnknownOutcomeTests(PostgresClusterFixture cluster)
        : base(cluster)
    {
    }

    [Fact]
    public async Task EnqueueEventLeased_ConnectionDropsWhileItWaits_UnknownOutcomeNamesTheLeaseItLeftWhichCanBeHandedBack()
    {
        // Arrange: the instance, and a host whose connections go through a relay that can be cut.
        PostgresOrchestrationStore store = await this.OpenAsync();
        await this.CreateAsync(store, "verify-1");
        NpgsqlConnectionStringBuilder relayed = new(this.Cluster.ConnectionString);
        await using CuttableTcpRelay relay = CuttableTcpRelay.To(relayed.Port);
        relayed.Host = "127.0.0.1";
        relayed.Port = relay.Port;
        PostgresOrchestrationStore cutOff = await this.OpenAsync(connectionString: relayed.ConnectionString);

        // Another session holds the instance's row, so the event's batch waits at the server, all of it sent.
        await using NpgsqlConnection locker = new(this.UnpooledConnectionString);
        await locker.OpenAsync(this.Token);
        await using NpgsqlTransaction holding = await locker.BeginTransactionAsync(this.Token);
        await this.RunAsync(locker, $"SELECT 1 FROM {this.Schema}.instances WHERE instance_id = 'verify-1' FOR UPDATE");
        HistoryEvent raised = new() { EventType = EventType.EventRaised, Timestamp = this.Time.GetUtcNow(), Name = "SmsChallengeResponse", Input = "1234" };
        Task<EnqueuedEvent> raising = cutOff.EnqueueEventLeasedAsync("verify-1", raised, 4, Owner, LeaseDuration, 10, this.Token);
        int waiting = await this.WaitForAsync($"SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%{this.Schema}.instances%FOR UPDATE%'");

        // Act: the network drops; then the row is free, and the batch the server still has runs on.
        relay.Cut();
        StoreUnavailableException error = await Assert.ThrowsAsync<StoreUnavailableException>(() => raising);
        await holding.CommitAsync(this.Token);
        await this.WaitForAsync($"SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = {waiting})");

        // Assert: the server committed the event and its lease, which the caller never got; the error names that lease.
        Assert.True(error.OutcomeUnknown);
        long token = Assert.NotNull(error.LeaseToken);
        List<(string? Owner, long Token)> lease = await this.QueryAsync(
            $"SELECT locked_by, lease_token FROM {this.Schema}.instances WHERE instance_id = 'verify-1'",
            r => (r.IsDBNull(0) ? null : r.GetString(0), r.GetInt64(1)));
        Assert.Equal([(Owner, token)], lease);

        // Handed back, the instance and its event are leasable at once, not after the lease.
        Assert.True(await store.ReleaseOrchestrationLeaseAsync("verify-1", Owner, token, this.Token));
        OrchestrationWorkItem? item = await store.LeaseOrchestrationAsync("owner-b", LeaseDuration, 10, new HashSet<string>(), this.Token);
        Assert.Equal("verify-1", item?.Instance.InstanceId);
        Assert.Contains(item!.Messages, m => m.Event.EventType == EventType.EventRaised && m.Event.Input == "1234");
    }

    private async Task RunAsync(NpgsqlConnection connection, string sql)
    {
        await using NpgsqlCommand command = new(sql, connection);
        await command.ExecuteNonQueryAsync(this.Token);
    }

    /// <summary>Polls <paramref name="sql"/> until it returns a row; its first column as an integer.</summary>
    private async Task<int> WaitForAsync(string sql)
    {
        while (true)
        {
            List<int> rows = await this.QueryAsync(sql, r => r.GetInt32(0));
            if (rows.Count > 0)
            {
                return rows[0];
            }

            await Task.Delay(20, this.Token);
        }
    }
}
