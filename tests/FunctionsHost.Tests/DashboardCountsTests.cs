using System.Net;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary><c>GET /dashboard/api/counts</c>: the store's counts per runtime status, under the management API's keys.</summary>
public sealed class DashboardCountsTests
{
    private const string Counts = "/dashboard/api/counts";

    [Fact]
    public async Task Counts_InstancesInFourStatuses_EachCountedAndNothingChanged()
    {
        // Arrange: a host of its own with one instance completed, one terminated, one suspended and one running.
        await using TestHost host = await TestHost.StartAsync(timeoutSeconds: 60);
        string phone = TestHost.NewPhoneNumber();
        JObject completed = await host.StartVerificationAsync(phone);
        await host.AnswerCodeAsync(completed, await host.ReadCodeAsync(phone));
        await host.WaitForEndAsync(completed);
        JObject terminated = await host.StartVerificationAsync(TestHost.NewPhoneNumber());
        await host.WaitForTimerAsync((string)terminated["id"]!);
        using HttpResponseMessage terminate = await host.Client.PostAsync(((string)terminated["terminatePostUri"]!).Replace("{text}", "done", StringComparison.Ordinal), null);
        await host.WaitForEndAsync(terminated);
        JObject suspended = await host.StartVerificationAsync(TestHost.NewPhoneNumber());
        await host.WaitForTimerAsync((string)suspended["id"]!);
        using HttpResponseMessage suspend = await host.Client.PostAsync(((string)suspended["suspendPostUri"]!).Replace("{text}", "pause", StringComparison.Ordinal), null);
        await WaitForStatusAsync(host, suspended, "Suspended");
        JObject running = await host.StartVerificationAsync(TestHost.NewPhoneNumber());
        await host.WaitForTimerAsync((string)running["id"]!);
        string before = await host.ListInstancesAsync();

        // Act
        using HttpResponseMessage response = await host.Client.GetAsync(Counts);

        // Assert: every status present, zeros included; the store unchanged.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JObject counts = TestHost.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, (long)counts["Completed"]!);
        Assert.Equal(1, (long)counts["Terminated"]!);
        Assert.Equal(1, (long)counts["Suspended"]!);
        Assert.Equal(1, (long)counts["Running"]!);
        Assert.Equal(0, (long)counts["Failed"]!);
        Assert.Equal(0, (long)counts["Pending"]!);
        Assert.Equal(before, await host.ListInstancesAsync());
    }

    [Fact]
    public async Task Counts_KeysEnforced_OnlySystemOrMasterKey()
    {
        // Arrange
        await using TestHost host = await TestHost.StartAsync(environmentName: "Production", settings: ProductionSettings.With());
        TestKeys keys = TestKeys.Read(host);

        // Act
        using HttpResponseMessage anonymous = await host.Client.GetAsync(Counts);
        using HttpResponseMessage functionKey = await host.Client.GetAsync(Counts + "?code=" + keys.HostFunction);
        using HttpResponseMessage system = await host.Client.GetAsync(Counts + "?code=" + keys.System);
        using HttpRequestMessage masterRequest = new(HttpMethod.Get, Counts) { Headers = { { "x-functions-key", keys.Master } } };
        using HttpResponseMessage master = await host.Client.SendAsync(masterRequest);

        // Assert: refused with a JSON body naming the key; the management API's keys accepted.
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("code", (string?)TestHost.Parse(await anonymous.Content.ReadAsStringAsync())["field"]);
        Assert.Equal(HttpStatusCode.Unauthorized, functionKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, system.StatusCode);
        Assert.Equal(0, (long)TestHost.Parse(await system.Content.ReadAsStringAsync())["Running"]!);
        Assert.Equal(HttpStatusCode.OK, master.StatusCode);
    }

    [Fact]
    public async Task Counts_DashboardOff_404()
    {
        // Arrange
        await using TestHost host = await TestHost.StartAsync(settings: new Dictionary<string, string?> { ["FunctionsHostDashboard"] = "false" });

        // Act
        using HttpResponseMessage response = await host.Client.GetAsync(Counts);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task WaitForStatusAsync(TestHost host, JObject payload, string status)
    {
        for (int i = 0; i < 300; i++)
        {
            JObject body = TestHost.Parse(await host.Client.GetStringAsync((string)payload["statusQueryGetUri"]!));
            if ((string?)body["runtimeStatus"] == status)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"Instance {payload["id"]} never reached {status}.");
    }
}
