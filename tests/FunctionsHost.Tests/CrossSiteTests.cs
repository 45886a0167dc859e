using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>
/// A keyless host (Development on loopback) answers only requests addressed to a loopback name and not sent by a page
/// of another origin (DNS rebinding, cross-site requests), and serves no CORS. A host with keys is not limited so.
/// </summary>
public sealed class CrossSiteTests : IClassFixture<BadInputTests.Instances>
{
    private const string Start = "/orchestrators/E4_SmsPhoneVerification";
    private readonly BadInputTests.Instances instances;

    public CrossSiteTests(BadInputTests.Instances instances)
    {
        this.instances = instances;
    }

    public static TheoryData<string> ForeignHosts() => ["evil.example", "evil.example:7071", "localhost.evil.example", "127.0.0.2", "[::2]", "0.0.0.0"];

    public static TheoryData<string> LoopbackHosts() => ["localhost", "LOCALHOST:7071", "127.0.0.1", "127.0.0.1:{port}", "[::1]", "[::1]:{port}"];

    [Theory]
    [MemberData(nameof(ForeignHosts))]
    public async Task Start_ForeignHostOnKeylessHost_Returns400AndStartsNothing(string host)
    {
        // Arrange
        string before = await this.instances.SnapshotAsync();
        using HttpRequestMessage request = Post(Start, "\"+14255550199\"", "application/json");
        request.Headers.Host = host;

        // Act
        using HttpResponseMessage response = await this.instances.Host.Client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Host", (string?)JObject.Parse(await response.Content.ReadAsStringAsync())["field"]);
        Assert.Equal(before, await this.instances.SnapshotAsync());
    }

    [Theory]
    [MemberData(nameof(ForeignHosts))]
    public async Task RaiseEvent_ForeignHostOnKeylessHost_Returns400AndChangesNothing(string host)
    {
        // Arrange
        string before = await this.instances.SnapshotAsync();
        using HttpRequestMessage request = Post($"{TestHost.WebhookBase}/instances/{this.instances.Running}/raiseEvent/SmsChallengeResponse", "1234", "application/json");
        request.Headers.Host = host;

        // Act
        using HttpResponseMessage response = await this.instances.Host.Client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await this.instances.SnapshotAsync());
    }

    [Theory]
    [MemberData(nameof(LoopbackHosts))]
    public async Task Status_LoopbackHost_Returns202(string host)
    {
        // Arrange
        using HttpRequestMessage request = new(HttpMethod.Get, $"{TestHost.WebhookBase}/instances/{this.instances.Running}");
        request.Headers.Host = host.Replace("{port}", this.instances.Host.Client.BaseAddress!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        // Act
        using HttpResponseMessage response = await this.instances.Host.Client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Terminate_OtherOriginOnKeylessHost_Returns403AndChangesNothing()
    {
        // Arrange: a form post from a page elsewhere carries that page's Origin.
        string before = await this.instances.SnapshotAsync();
        using HttpRequestMessage request = new(HttpMethod.Post, $"{TestHost.WebhookBase}/instances/{this.instances.Running}/terminate?reason=x");
        request.Headers.TryAddWithoutValidation("Origin", "http://evil.example");

        // Act
        using HttpResponseMessage response = await this.instances.Host.Client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Origin", (string?)JObject.Parse(await response.Content.ReadAsStringAsync())["field"]);
        Assert.Equal(before, await this.instances.SnapshotAsync());
    }

    [Fact]
    public async Task Status_LoopbackOrigin_Returns202()
    {
        // Arrange: the host's own pages (dashboard, verification page) are same-origin.
        using HttpRequestMessage request = new(HttpMethod.Get, $"{TestHost.WebhookBase}/instances/{this.instances.Running}");
        request.Headers.TryAddWithoutValidation("Origin", "http://localhost:7071");

        // Act
        using HttpResponseMessage response = await this.instances.Host.Client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("http://localhost:3000")]
    [InlineData("http://evil.example")]
    public async Task Preflight_AnyOrigin_GrantsNoCors(string origin)
    {
        // Arrange
        using HttpRequestMessage request = new(HttpMethod.Options, Start);
        request.Headers.TryAddWithoutValidation("Origin", origin);
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "content-type");

        // Act
        using HttpResponseMessage response = await this.instances.Host.Client.SendAsync(request);

        // Assert
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), response.Headers.ToString());
        Assert.False(response.IsSuccessStatusCode && response.Headers.Contains("Access-Control-Allow-Methods"));
    }

    [Fact]
    public async Task Status_ForeignHostWithKeysEnforced_IsJudgedByKeyOnly()
    {
        // Arrange
        await using TestHost host = await TestHost.StartAsync(settings: new Dictionary<string, string?> { ["FunctionsHostEnableAuth"] = "true" });
        using HttpRequestMessage request = new(HttpMethod.Get, $"{TestHost.WebhookBase}/instances?code={Uri.EscapeDataString(TestKeys.Read(host).Master)}");
        request.Headers.Host = "functions.example.com";

        // Act
        using HttpResponseMessage response = await host.Client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static HttpRequestMessage Post(string path, string body, string contentType)
    {
        HttpRequestMessage request = new(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return request;
    }
}
