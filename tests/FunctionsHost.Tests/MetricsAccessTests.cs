using System.Net;

namespace FunctionsHost.Tests;

/// <summary>Who may read <c>/metrics</c>: off outside Development unless enabled, and then only with the master key.</summary>
public sealed class MetricsAccessTests
{
    [Fact]
    public async Task Metrics_ProductionNotEnabled_404()
    {
        // Arrange
        await using TestHost host = await TestHost.StartAsync(environmentName: "Production", settings: ProductionSettings.With());

        // Act
        using HttpResponseMessage response = await host.Client.GetAsync("/metrics?code=" + TestKeys.Read(host).Master);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_ProductionEnabled_NeedsTheMasterKey()
    {
        // Arrange
        await using TestHost host = await TestHost.StartAsync(environmentName: "Production", settings: ProductionSettings.With(("FunctionsHostMetricsEnabled", "true")));
        TestKeys keys = TestKeys.Read(host);

        // Act
        using HttpResponseMessage anonymous = await host.Client.GetAsync("/metrics");
        using HttpResponseMessage functionKey = await host.Client.GetAsync("/metrics?code=" + keys.HttpStart);
        using HttpResponseMessage master = await host.Client.GetAsync("/metrics?code=" + keys.Master);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, functionKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, master.StatusCode);
        Assert.Contains("# TYPE", await master.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_DevelopmentDisabled_404()
    {
        // Arrange
        await using TestHost host = await TestHost.StartAsync(settings: new Dictionary<string, string?> { ["FunctionsHostMetricsEnabled"] = "false" });

        // Act
        using HttpResponseMessage response = await host.Client.GetAsync("/metrics");

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Start_MetricsSettingNotABoolean_FailsNamingTheSetting()
    {
        // Act
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            TestHost.StartAsync(settings: new Dictionary<string, string?> { ["FunctionsHostMetricsEnabled"] = "yes please" }));

        // Assert
        Assert.Contains("FunctionsHostMetricsEnabled", error.Message, StringComparison.Ordinal);
    }
}
