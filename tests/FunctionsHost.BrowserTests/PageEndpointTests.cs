using System.Net;
using FunctionsHost.Tests;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.BrowserTests;

/// <summary>How the host serves the pages (no browser): headers, addresses, the settings that switch them.</summary>
public sealed class PageEndpointTests
{
    [Fact]
    public async Task Pages_Development_ServedSameOriginOnlyWithRevalidation()
    {
        // Arrange
        await using TestHost host = await TestHost.StartAsync();

        // Act
        using HttpResponseMessage page = await host.Client.GetAsync("/dashboard/");
        using HttpRequestMessage again = new(HttpMethod.Get, "/dashboard/app.js");
        using HttpResponseMessage script = await host.Client.GetAsync("/dashboard/app.js");
        again.Headers.TryAddWithoutValidation("If-None-Match", script.Headers.ETag!.Tag);
        using HttpResponseMessage revalidated = await host.Client.SendAsync(again);

        // Assert
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        string policy = string.Join(';', page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.DoesNotContain("http://", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Matches(@"Dashboard: +http://localhost:[0-9]+/dashboard/", host.Banner.ToString());
        Assert.Matches(@"Verification page: +http://localhost:[0-9]+/\r?\n", host.Banner.ToString());
    }

    [Fact]
    public async Task Dashboard_WithoutTrailingSlash_RedirectsToIt()
    {
        await using TestHost host = await TestHost.StartAsync();
        using HttpClient client = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Client.BaseAddress };

        using HttpResponseMessage response = await client.GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/dashboard/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Pages_UnknownFile_404WithJson()
    {
        await using TestHost host = await TestHost.StartAsync();

        using HttpResponseMessage response = await host.Client.GetAsync("/dashboard/nothing.js");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("path", (string?)JObject.Parse(await response.Content.ReadAsStringAsync())["field"]);
    }

    [Fact]
    public async Task VerificationPage_Production_OffUnlessTheSettingEnablesIt()
    {
        // Arrange
        await using TestHost production = await TestHost.StartAsync(environmentName: "Production", settings: ProductionSettings());
        Dictionary<string, string?> enable = ProductionSettings();
        enable["FunctionsHostVerificationPage"] = "true";
        await using TestHost enabled = await TestHost.StartAsync(environmentName: "Production", settings: enable);

        // Act
        using HttpResponseMessage off = await production.Client.GetAsync("/");
        using HttpResponseMessage on = await enabled.Client.GetAsync("/");
        JObject settings = JObject.Parse(await enabled.Client.GetStringAsync("/assets/settings.json"));

        // Assert: keys are enforced in Production, and the outbox is never offered there.
        Assert.Equal(HttpStatusCode.NotFound, off.StatusCode);
        Assert.DoesNotContain("Verification page:", production.Banner.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        Assert.True((bool)settings["keysRequired"]!);
        Assert.False((bool)settings["devOutbox"]!);
    }

    [Fact]
    public async Task Dashboard_SettingFalse_NotServed()
    {
        await using TestHost host = await TestHost.StartAsync(settings: new Dictionary<string, string?> { ["FunctionsHostDashboard"] = "false" });

        using HttpResponseMessage response = await host.Client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Pages_SettingNotABoolean_HostDoesNotStart()
    {
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => TestHost.StartAsync(settings: new Dictionary<string, string?> { ["FunctionsHostDashboard"] = "yes" }));

        Assert.Contains("FunctionsHostDashboard", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Production needs Twilio settings to start; nothing is sent in these tests.</summary>
    private static Dictionary<string, string?> ProductionSettings() => new()
    {
        ["TwilioAccountSid"] = "AC" + new string('0', 32),
        ["TwilioAuthToken"] = "token-never-used",
        ["TwilioPhoneNumber"] = "+15005550006",
    };
}
