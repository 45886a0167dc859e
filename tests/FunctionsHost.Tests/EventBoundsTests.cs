using System.Net;
using Durable.Core.Storage;
using Durable.Core.Storage.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>raiseEvent reads no history: the store counts events for the cap, and a finished instance is refused from its row alone.</summary>
public sealed class EventBoundsTests : IAsyncLifetime
{
    private HistoryReadCounter counter = null!;
    private TestHost host = null!;

    public async Task InitializeAsync()
    {
        (IOrchestrationStore store, HistoryReadCounter reads) = HistoryReadCounter.Wrap(new InMemoryOrchestrationStore(TimeProvider.System));
        this.counter = reads;
        this.host = await TestHost.StartAsync(
            timeoutSeconds: 600,
            settings: new Dictionary<string, string?> { ["DurableMaxEventsPerInstance"] = "2" },
            configure: options => options.ConfigureServices = services => services.AddSingleton(store));
    }

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    [Fact]
    public async Task RaiseEvent_FinishedInstance_Returns410WithoutReadingHistory()
    {
        // Arrange
        string phone = TestHost.NewPhoneNumber();
        JObject payload = await this.host.StartVerificationAsync(phone);
        await this.host.AnswerCodeAsync(payload, await this.host.ReadCodeAsync(phone));
        await this.host.WaitForEndAsync(payload);
        int before = this.counter.Reads;

        // Act
        HttpStatusCode status = await this.host.AnswerAsync(payload, "1234");

        // Assert
        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Equal(before, this.counter.Reads);
    }

    [Fact]
    public async Task RaiseEvent_UpToAndBeyondCap_ReadsNoHistory()
    {
        // Arrange: the instance waits for its answer; events named Other do not end it.
        string phone = TestHost.NewPhoneNumber();
        JObject payload = await this.host.StartVerificationAsync(phone);
        await this.host.ReadCodeAsync(phone);
        string uri = ((string)payload["sendEventPostUri"]!).Replace("{eventName}", "Other", StringComparison.Ordinal);
        int before = this.counter.Reads;

        // Act
        List<HttpStatusCode> statuses = [];
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage response = await this.host.PostJsonAsync(uri, "1");
            statuses.Add(response.StatusCode);
        }

        // Assert
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, (HttpStatusCode)429], statuses);
        Assert.Equal(before, this.counter.Reads);
    }
}
