using System.Net;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>The Durable HTTP management API and the host's own error responses.</summary>
public sealed class ManagementApiTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => this.host = await TestHost.StartAsync(
        settings: new Dictionary<string, string?> { ["AzureFunctionsJobHost__extensions__durableTask__hubName"] = "OverriddenHub" });

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    [Fact]
    public async Task Status_UnknownInstance_Returns404WithJsonNamingTheId()
    {
        using HttpResponseMessage response = await this.host.Client.GetAsync(TestHost.WebhookBase + "/instances/no-such-instance");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("'no-such-instance'", (string?)TestHost.Parse(await response.Content.ReadAsStringAsync())["Message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RaiseEvent_UnknownInstance_Returns404WithJsonNamingTheId()
    {
        using HttpResponseMessage response = await this.host.PostJsonAsync(TestHost.WebhookBase + "/instances/no-such-instance/raiseEvent/SmsChallengeResponse", "1234");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("'no-such-instance'", (string?)TestHost.Parse(await response.Content.ReadAsStringAsync())["Message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RaiseEvent_NotJsonOrInvalidJson_Returns400WithMessage()
    {
        JObject payload = await this.host.StartVerificationAsync(TestHost.NewPhoneNumber());
        string uri = ((string)payload["sendEventPostUri"]!).Replace("{eventName}", "SmsChallengeResponse", StringComparison.Ordinal);

        using HttpResponseMessage text = await this.host.PostJsonAsync(uri, "1234", "text/plain");
        using HttpResponseMessage invalid = await this.host.PostJsonAsync(uri, "12 34");
        using HttpResponseMessage empty = await this.host.PostJsonAsync(uri, string.Empty);

        Assert.Equal(HttpStatusCode.BadRequest, text.StatusCode);
        Assert.Equal("Only application/json request content is supported", (string?)JObject.Parse(await text.Content.ReadAsStringAsync())["Message"]);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("Invalid JSON content", (string?)JObject.Parse(await invalid.Content.ReadAsStringAsync())["Message"]);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    [Fact]
    public async Task TerminateThenPurge_RunningInstance_TerminatesAndDeletes()
    {
        // Arrange
        JObject payload = await this.host.StartVerificationAsync(TestHost.NewPhoneNumber());
        string terminate = ((string)payload["terminatePostUri"]!).Replace("{text}", "user%20left", StringComparison.Ordinal);

        // Act
        using HttpResponseMessage terminated = await this.host.Client.PostAsync(terminate, null);
        (HttpStatusCode status, JObject body) = await this.host.WaitForEndAsync(payload);
        using HttpResponseMessage terminatedAgain = await this.host.Client.PostAsync(terminate, null);
        using HttpResponseMessage purged = await this.host.Client.DeleteAsync((string)payload["purgeHistoryDeleteUri"]!);
        using HttpResponseMessage afterPurge = await this.host.Client.GetAsync((string)payload["statusQueryGetUri"]!);

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, terminated.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Terminated", (string?)body["runtimeStatus"]);
        Assert.Equal("user left", (string?)body["output"]);
        Assert.Equal(HttpStatusCode.Gone, terminatedAgain.StatusCode);
        Assert.Contains("has finished (Terminated)", (string?)TestHost.Parse(await terminatedAgain.Content.ReadAsStringAsync())["Message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        Assert.Equal(1, (int)JObject.Parse(await purged.Content.ReadAsStringAsync())["instancesDeleted"]!);
        Assert.Equal(HttpStatusCode.NotFound, afterPurge.StatusCode);
    }

    [Fact]
    public async Task List_FilteredByStatusAndPrefix_ReturnsArrayAndContinuationHeader()
    {
        JObject payload = await this.host.StartVerificationAsync(TestHost.NewPhoneNumber());
        string id = (string)payload["id"]!;

        using HttpResponseMessage response = await this.host.Client.GetAsync(
            $"{TestHost.WebhookBase}/instances?runtimeStatus=Pending,Running&instanceIdPrefix={id}&top=5");
        JArray body = JArray.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("x-ms-continuation-token"));
        JObject instance = Assert.IsType<JObject>(Assert.Single(body));
        Assert.Equal(id, (string?)instance["instanceId"]);
        Assert.Null(instance["historyEvents"]);
    }

    [Fact]
    public async Task PurgeMany_WithoutCreatedTimeFrom_Returns400ErrorObjectWithDurableFunctionsWords()
    {
        using HttpResponseMessage response = await this.host.Client.DeleteAsync(TestHost.WebhookBase + "/instances");
        JObject body = JObject.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Please provide value for 'createdTimeFrom' parameter.", (string?)body["error"]);
        Assert.Equal("createdTimeFrom", (string?)body["field"]);
    }

    [Fact]
    public async Task Start_HubNameOverriddenByAppSetting_LinksCarryIt()
    {
        JObject payload = await this.host.StartVerificationAsync(TestHost.NewPhoneNumber());

        Assert.Contains("taskHub=OverriddenHub&", (string)payload["statusQueryGetUri"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRoute_Returns404Json()
    {
        using HttpResponseMessage response = await this.host.Client.GetAsync("/no/such/route");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("No function or API matches GET /no/such/route.", (string?)JObject.Parse(await response.Content.ReadAsStringAsync())["error"]);
    }

    [Fact]
    public async Task WrongMethodOnFunctionRoute_Returns405Json()
    {
        using HttpResponseMessage response = await this.host.Client.GetAsync("/orchestrators/E4_SmsPhoneVerification");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
        Assert.Equal(
            "GET is not allowed for /orchestrators/E4_SmsPhoneVerification; allowed: POST.",
            (string?)JObject.Parse(await response.Content.ReadAsStringAsync())["error"]);
    }

    [Fact]
    public void Banner_AtStart_ListsFunctionsWithUrls()
    {
        string banner = this.host.Banner.ToString();

        Assert.Contains("HttpStart: [POST] http://localhost:", banner, StringComparison.Ordinal);
        Assert.Contains("/orchestrators/{functionName}", banner, StringComparison.Ordinal);
        Assert.Contains("E4_SmsPhoneVerification: orchestrationTrigger", banner, StringComparison.Ordinal);
        Assert.Contains("E4_SendSmsChallenge: activityTrigger", banner, StringComparison.Ordinal);
    }
}
