using System.Net;
using System.Text;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>Continuation tokens are the host's own: a page follows only from a token the host issued, unchanged.</summary>
public sealed class ContinuationTokenTests : IClassFixture<BadInputTests.Instances>
{
    private const string List = TestHost.WebhookBase + "/instances?top=1";
    private readonly BadInputTests.Instances instances;

    public ContinuationTokenTests(BadInputTests.Instances instances)
    {
        this.instances = instances;
    }

    public static TheoryData<string> Forgeries() => ["one character changed", "bytes appended", "base64 of arbitrary text", "store format", "empty signature"];

    [Fact]
    public async Task ListInstances_IssuedToken_ReturnsNextPage()
    {
        // Arrange
        string token = await this.FirstTokenAsync();

        // Act
        (HttpStatusCode status, string body, _) = await this.ListAsync(token);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(JArray.Parse(body));
    }

    [Fact]
    public async Task ListInstances_OrderByCreatedTimeDesc_PagesNewestFirst()
    {
        // Arrange: the fixture created the running instance before the completed one.
        (HttpStatusCode firstStatus, string firstBody, string? token) = await this.ListAsync(null, "createdTime desc");

        // Act
        (HttpStatusCode secondStatus, string secondBody, string? last) = await this.ListAsync(token, "createdTime desc");

        // Assert
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (firstStatus, secondStatus));
        Assert.Equal([this.instances.Completed], JArray.Parse(firstBody).Select(i => (string?)i["instanceId"]));
        Assert.Equal([this.instances.Running], JArray.Parse(secondBody).Select(i => (string?)i["instanceId"]));
        Assert.Equal(string.Empty, last);
    }

    [Fact]
    public async Task ListInstances_NoOrderBy_OldestFirstAsDurableFunctions()
    {
        // Act
        (HttpStatusCode status, string body, _) = await this.ListAsync(null);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([this.instances.Running], JArray.Parse(body).Select(i => (string?)i["instanceId"]));
    }

    [Fact]
    public async Task ListInstances_TokenFromTheOtherOrder_Returns400NamingHeader()
    {
        // Arrange
        string ascendingToken = await this.FirstTokenAsync();

        // Act: the key would page from the wrong side.
        (HttpStatusCode status, string body, _) = await this.ListAsync(ascendingToken, "createdTime desc");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("x-ms-continuation-token", (string?)JObject.Parse(body)["field"]);
    }

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task ListInstances_TokenNotIssued_Returns400NamingHeader(string forgery)
    {
        // Arrange
        string token = await this.FirstTokenAsync();
        string forged = forgery switch
        {
            "one character changed" => token[..^5] + (token[^5] == 'A' ? 'B' : 'A') + token[^4..],
            "bytes appended" => token + "AAAA",
            "base64 of arbitrary text" => Convert.ToBase64String(Encoding.UTF8.GetBytes("0|")),
            "store format" => Convert.ToBase64String(Encoding.UTF8.GetBytes("638000000000000000|zzz")),
            _ => token[..(token.LastIndexOf('.') + 1)],
        };

        // Act
        (HttpStatusCode status, string body, string? next) = await this.ListAsync(forged);

        // Assert
        Assert.True(status == HttpStatusCode.BadRequest, $"{forgery}: {(int)status} {body}");
        Assert.Equal("x-ms-continuation-token", (string?)JObject.Parse(body)["field"]);
        Assert.Null(next);
    }

    private async Task<string> FirstTokenAsync()
    {
        (HttpStatusCode status, _, string? token) = await this.ListAsync(null);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(string.IsNullOrEmpty(token));
        return token!;
    }

    private async Task<(HttpStatusCode Status, string Body, string? Token)> ListAsync(string? token, string? orderBy = null)
    {
        using HttpRequestMessage request = new(HttpMethod.Get, orderBy is null ? List : $"{List}&orderBy={Uri.EscapeDataString(orderBy)}");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("x-ms-continuation-token", token);
        }

        using HttpResponseMessage response = await this.instances.Host.Client.SendAsync(request);
        string? next = response.Headers.TryGetValues("x-ms-continuation-token", out IEnumerable<string>? values) ? values.Single() : null;
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), next);
    }
}
