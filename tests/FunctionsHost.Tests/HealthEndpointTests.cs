using System.Net;
using Durable.Core.Storage;
using Durable.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary><c>/health/live</c> and <c>/health/ready</c> on the real host over a real SQLite file.</summary>
public sealed class HealthEndpointTests : IAsyncLifetime
{
    private TestHost host = null!;
    private string databasePath = null!;

    public async Task InitializeAsync()
    {
        this.host = await TestHost.StartAsync(environmentName: "Production", settings: ProductionSettings.With(), configure: options =>
        {
            this.databasePath = Path.Combine(options.ScriptRoot!, "health.db");
            options.ConfigureServices = services =>
                services.AddSingleton<IOrchestrationStore>(_ => new SqliteOrchestrationStore(
                    new SqliteStoreOptions { DatabasePath = this.databasePath, BusyTimeout = TimeSpan.FromMilliseconds(200) },
                    TimeProvider.System));
        });
    }

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    [Fact]
    public async Task Ready_StoreWriteLockedByAnotherConnection_UnhealthyThenHealthyOnceReleased()
    {
        // Arrange: ready to begin with (no key needed: load balancers call it).
        (HttpStatusCode before, JObject beforeBody) = await this.GetAsync("/health/ready");

        // Act: another connection takes the file's write lock and keeps it.
        HttpStatusCode whileLocked;
        JObject lockedBody;
        HttpStatusCode liveWhileLocked;
        using (SqliteConnection other = new(new SqliteConnectionStringBuilder { DataSource = this.databasePath, Pooling = false }.ToString()))
        {
            other.Open();
            using (SqliteCommand begin = other.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                begin.ExecuteNonQuery();
            }

            (whileLocked, lockedBody) = await this.GetAsync("/health/ready");
            (liveWhileLocked, _) = await this.GetAsync("/health/live");
        }

        (HttpStatusCode after, JObject afterBody) = await this.GetAsync("/health/ready");

        // Assert
        Assert.Equal(HttpStatusCode.OK, before);
        Assert.Equal("Healthy", (string?)beforeBody["status"]);
        Assert.Equal("Healthy", (string?)beforeBody["checks"]!["engine"]!["status"]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileLocked);
        Assert.Equal("Unhealthy", (string?)lockedBody["status"]);
        Assert.Equal("Unhealthy", (string?)lockedBody["checks"]!["store"]!["status"]);
        Assert.Contains("locked", (string?)lockedBody["checks"]!["store"]!["description"], StringComparison.Ordinal);
        Assert.Equal("Healthy", (string?)lockedBody["checks"]!["engine"]!["status"]);
        Assert.Equal(HttpStatusCode.OK, liveWhileLocked);
        Assert.Equal(HttpStatusCode.OK, after);
        Assert.Equal("Healthy", (string?)afterBody["status"]);
    }

    [Fact]
    public async Task Live_ProcessUp_HealthyJson()
    {
        // Act
        (HttpStatusCode status, JObject body) = await this.GetAsync("/health/live");

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", (string?)body["status"]);
    }

    private async Task<(HttpStatusCode Status, JObject Body)> GetAsync(string path)
    {
        using HttpResponseMessage response = await this.host.Client.GetAsync(path);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        return (response.StatusCode, JObject.Parse(await response.Content.ReadAsStringAsync()));
    }
}
