using System.Net;
using System.Net.Http.Headers;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary><c>HttpMaxRequestBodyBytes</c> caps every request body, declared (Content-Length) or streamed (chunked): 413 with JSON.</summary>
public sealed class BodyLimitTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => this.host = await TestHost.StartAsync(
        settings: new Dictionary<string, string?> { ["HttpMaxRequestBodyBytes"] = "4096" },
        functionTypes: [.. FunctionsHostOptions.PhoneVerificationFunctions, typeof(KeyTestFunctions)]);

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    [Theory]
    [InlineData(4096, false, HttpStatusCode.OK)]
    [InlineData(4097, false, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(1000, true, HttpStatusCode.OK)]
    [InlineData(50_000, true, HttpStatusCode.RequestEntityTooLarge)]
    public async Task Function_BodyOverLimit_Returns413(int size, bool chunked, HttpStatusCode expected)
    {
        using HttpResponseMessage response = await this.host.Client.PostAsync("/echo", Body(size, chunked));

        string body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, body);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal(size.ToString(System.Globalization.CultureInfo.InvariantCulture), body);
        }
        else
        {
            Assert.Equal("body", (string?)JObject.Parse(body)["field"]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ManagementApi_BodyOverLimit_Returns413(bool chunked)
    {
        JObject payload = await this.host.StartVerificationAsync(TestHost.NewPhoneNumber());
        string uri = ((string)payload["sendEventPostUri"]!).Replace("{eventName}", "SmsChallengeResponse", StringComparison.Ordinal);

        using HttpResponseMessage response = await this.host.Client.PostAsync(uri, Body(5000, chunked));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("body", (string?)JObject.Parse(await response.Content.ReadAsStringAsync())["field"]);
    }

    /// <summary>A JSON string of <paramref name="size"/> bytes, with Content-Length or streamed without one.</summary>
    private static HttpContent Body(int size, bool chunked)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes("\"" + new string('x', size - 2) + "\"");
        HttpContent content = chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (chunked)
        {
            content.Headers.ContentLength = null;
        }

        return content;
    }
}
