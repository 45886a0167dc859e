using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.Http;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>
/// HTTP triggers in general, with test functions on a host.json that leaves <c>routePrefix</c> at its default
/// (<c>api</c>): route parameters, methods, what a function returns, and failures.
/// </summary>
public sealed class RoutingTests : IAsyncLifetime
{
    private const string DefaultPrefixHostJson = """{ "version": "2.0", "extensions": { "durableTask": { "hubName": "RoutingHub" } } }""";
    private TestHost host = null!;

    public async Task InitializeAsync() => this.host = await StartAsync("Development");

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    [Fact]
    public async Task Route_WithParameters_BindsThemUnderDefaultApiPrefix()
    {
        TestHost host = this.host;

        JObject both = JObject.Parse(await host.Client.GetStringAsync("/api/items/42/big"));
        JObject optionalMissing = JObject.Parse(await host.Client.GetStringAsync("/api/items/7"));
        using HttpResponseMessage withoutPrefix = await host.Client.GetAsync("/items/42/big");

        Assert.Equal("42", (string?)both["id"]);
        Assert.Equal("big", (string?)both["kind"]);
        Assert.Equal("7", (string?)optionalMissing["id"]);
        Assert.Equal(JTokenType.Null, optionalMissing["kind"]!.Type);
        Assert.Equal(HttpStatusCode.NotFound, withoutPrefix.StatusCode);
    }

    [Fact]
    public async Task Route_NotGiven_IsTheFunctionNameAndAcceptsEveryMethodListed()
    {
        TestHost host = this.host;

        using HttpResponseMessage get = await host.Client.GetAsync("/api/Named");
        using HttpResponseMessage post = await host.Client.PostAsync("/api/named", new StringContent("x"));
        using HttpResponseMessage put = await host.Client.PutAsync("/api/Named", new StringContent("x"));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("named GET", await get.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        Assert.Equal(["GET", "POST"], put.Content.Headers.Allow.Order(StringComparer.Ordinal));
        Assert.StartsWith("PUT is not allowed for /api/Named", (string?)JObject.Parse(await put.Content.ReadAsStringAsync())["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Result_HttpResponseMessageOrNothing_IsWrittenAsIs()
    {
        TestHost host = this.host;

        using HttpResponseMessage message = await host.Client.GetAsync("/api/message");
        using HttpResponseMessage nothing = await host.Client.DeleteAsync("/api/nothing");

        Assert.Equal(HttpStatusCode.Created, message.StatusCode);
        Assert.Equal("yes", message.Headers.GetValues("X-Test").Single());
        Assert.Equal("text/plain; charset=utf-8", message.Content.Headers.ContentType?.ToString());
        Assert.Equal("made", await message.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, nothing.StatusCode);
        Assert.Equal(string.Empty, await nothing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Failure_InProduction_Returns500JsonWithoutDetails()
    {
        await using TestHost host = await StartAsync("Production");

        using HttpResponseMessage response = await host.Client.GetAsync("/api/boom");
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        JObject body = JObject.Parse(text);
        Assert.Equal(["error", "status"], body.Properties().Select(p => p.Name));
        Assert.Equal("The function 'Boom' failed; see the host log for details.", (string?)body["error"]);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("RoutingFunctions", text, StringComparison.Ordinal);

        // A failure after the function returned (its result cannot be serialized) is the host's: JSON 500 as well.
        using HttpResponseMessage hostError = await host.Client.GetAsync("/api/cycle");
        JObject hostBody = JObject.Parse(await hostError.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.InternalServerError, hostError.StatusCode);
        Assert.Equal(["error", "status"], hostBody.Properties().Select(p => p.Name));
        Assert.Equal("The host failed to process GET /api/cycle; see the host log for details.", (string?)hostBody["error"]);
    }

    [Fact]
    public async Task Failure_InDevelopment_Returns500JsonWithTheException()
    {
        TestHost host = this.host;

        using HttpResponseMessage response = await host.Client.GetAsync("/api/boom");
        JObject body = JObject.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("The function 'Boom' failed; see the host log for details.", (string?)body["error"]);
        Assert.Contains("InvalidOperationException: secret detail", (string?)body["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Banner_ListsTestFunctionsWithPrefixedRoutes()
    {
        TestHost host = this.host;

        string banner = host.Banner.ToString();

        Assert.Contains("\tItems: [GET] http://localhost:", banner, StringComparison.Ordinal);
        Assert.Contains("/api/items/{id}/{kind?}", banner, StringComparison.Ordinal);
        Assert.Contains("Task hub: RoutingHub, storage: sqlite", banner, StringComparison.Ordinal);
        Assert.DoesNotContain("HttpStart", banner, StringComparison.Ordinal);
    }

    private static Task<TestHost> StartAsync(string environment) => TestHost.StartAsync(
        environmentName: environment,
        hostJson: DefaultPrefixHostJson,
        functionTypes: [typeof(RoutingFunctions)],
        settings: environment == "Development" ? null : new Dictionary<string, string?>
        {
            // Production requires Twilio settings; these functions never text.
            ["TwilioAccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["TwilioAuthToken"] = "unused",
            ["TwilioPhoneNumber"] = "+15005550006",
        });
}

/// <summary>HTTP functions for <see cref="RoutingTests"/> (public and static, as the WebJobs indexer needs).</summary>
public static class RoutingFunctions
{
    [FunctionName("Items")]
    public static IActionResult Items(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "items/{id}/{kind?}")] HttpRequest req,
        string id,
        string? kind) => new OkObjectResult(new { id, kind });

    [FunctionName("Named")]
    public static IActionResult Named([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post")] HttpRequest req) =>
        new ContentResult { Content = "named " + req.Method, ContentType = "text/plain" };

    [FunctionName("Message")]
    public static HttpResponseMessage Message([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "message")] HttpRequest req)
    {
        HttpResponseMessage response = new(HttpStatusCode.Created) { Content = new StringContent("made", Encoding.UTF8, "text/plain") };
        response.Headers.Add("X-Test", "yes");
        return response;
    }

    [FunctionName("Nothing")]
    public static Task Nothing([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "nothing")] HttpRequest req) => Task.CompletedTask;

    [FunctionName("Cycle")]
    public static IActionResult Cycle([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cycle")] HttpRequest req)
    {
        Node node = new();
        node.Next = node;
        return new OkObjectResult(node);
    }

    [FunctionName("Boom")]
    public static IActionResult Boom([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "boom")] HttpRequest req) =>
        throw new InvalidOperationException("secret detail");
}

/// <summary>A value JSON cannot serialize (it refers to itself).</summary>
public sealed class Node
{
    public Node? Next { get; set; }
}
