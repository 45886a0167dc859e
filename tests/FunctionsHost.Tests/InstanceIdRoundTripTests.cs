using System.Net;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>An instance id in a URL is percent-decoded once, as any path segment: the id a client chose is the id it gets back, through its own links too.</summary>
public sealed class InstanceIdRoundTripTests : IClassFixture<BadInputTests.Instances>
{
    private readonly BadInputTests.Instances instances;

    public InstanceIdRoundTripTests(BadInputTests.Instances instances)
    {
        this.instances = instances;
    }

    [Theory]
    [InlineData("abc+def", "abc+def")]
    [InlineData("a%252525b", "a%2525b")]
    [InlineData("a%2525b", "a%25b")]
    [InlineData("a%20b", "a b")]
    [InlineData("caf%C3%A9", "café")]
    public async Task BuiltInStart_IdInPath_IsDecodedOnceAndLinksLeadBackToIt(string segment, string id)
    {
        // Arrange
        string unique = Guid.NewGuid().ToString("N")[..8];
        string sent = unique + segment;
        string expected = unique + id;

        // Act
        using HttpResponseMessage started = await this.instances.Host.PostJsonAsync($"{TestHost.WebhookBase}/orchestrators/E4_SmsPhoneVerification/{sent}", $"\"{TestHost.NewPhoneNumber()}\"");
        JObject payload = JObject.Parse(await started.Content.ReadAsStringAsync());
        using HttpResponseMessage status = await this.instances.Host.Client.GetAsync((string)payload["statusQueryGetUri"]!);
        JObject body = JObject.Parse(await status.Content.ReadAsStringAsync());
        using HttpResponseMessage direct = await this.instances.Host.Client.GetAsync($"{TestHost.WebhookBase}/instances/{sent}");
        using HttpResponseMessage terminated = await this.instances.Host.Client.PostAsync(((string)payload["terminatePostUri"]!).Replace("{text}", "done", StringComparison.Ordinal), null);

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(expected, (string?)payload["id"]);
        Assert.Equal(expected, (string?)body["instanceId"]);
        Assert.Equal(expected, (string?)JObject.Parse(await direct.Content.ReadAsStringAsync())["instanceId"]);
        Assert.Equal(HttpStatusCode.Accepted, terminated.StatusCode);
    }
}
