using System.Net;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>The sample's walkthrough over HTTP against the real host: start, read the code, answer, poll.</summary>
public sealed class PhoneVerificationFlowTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => this.host = await TestHost.StartAsync(timeoutSeconds: 60);

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    [Fact]
    public async Task Flow_RightCode_CompletesWithOutputTrue()
    {
        // Arrange
        string phone = TestHost.NewPhoneNumber();
        JObject payload = await this.host.StartVerificationAsync(phone);
        string code = await this.host.ReadCodeAsync(phone);

        // Act
        await this.host.AnswerCodeAsync(payload, code);
        (HttpStatusCode status, JObject body) = await this.host.WaitForEndAsync(payload);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            ["name", "instanceId", "runtimeStatus", "input", "customStatus", "output", "createdTime", "lastUpdatedTime"],
            body.Properties().Select(p => p.Name));
        Assert.Equal("E4_SmsPhoneVerification", (string?)body["name"]);
        Assert.Equal((string?)payload["id"], (string?)body["instanceId"]);
        Assert.Equal("Completed", (string?)body["runtimeStatus"]);
        Assert.Equal(phone, (string?)body["input"]);
        Assert.Equal(4, (int)body["customStatus"]!["attemptsLeft"]!);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$", (string)body["customStatus"]!["expiresAt"]!);
        Assert.True((bool)body["output"]!);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", (string)body["createdTime"]!);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", (string)body["lastUpdatedTime"]!);
    }

    [Fact]
    public async Task Flow_FourWrongCodes_CompletesWithOutputFalse()
    {
        string phone = TestHost.NewPhoneNumber();
        JObject payload = await this.host.StartVerificationAsync(phone);
        string code = await this.host.ReadCodeAsync(phone);
        string wrong = code == "0001" ? "2" : "1";

        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, await this.host.AnswerAsync(payload, wrong));
        }

        (HttpStatusCode status, JObject body) = await this.host.WaitForEndAsync(payload);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Completed", (string?)body["runtimeStatus"]);
        Assert.False((bool)body["output"]!);
    }

    [Fact]
    public async Task Flow_NonNumericAnswerThenRightCode_CountsAsWrongAttemptAndCompletesTrue()
    {
        string phone = TestHost.NewPhoneNumber();
        JObject payload = await this.host.StartVerificationAsync(phone);
        string code = await this.host.ReadCodeAsync(phone);

        Assert.Equal(HttpStatusCode.Accepted, await this.host.AnswerAsync(payload, "\"not a code\""));
        Assert.Equal(HttpStatusCode.Accepted, await this.host.AnswerAsync(payload, "{\"code\":1}"));
        Assert.Equal(HttpStatusCode.Accepted, await this.host.AnswerAsync(payload, "\"" + code + "\""));
        (HttpStatusCode status, JObject body) = await this.host.WaitForEndAsync(payload);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((bool)body["output"]!);
    }

    [Fact]
    public async Task RaiseEvent_AfterCompletion_Returns410()
    {
        string phone = TestHost.NewPhoneNumber();
        JObject payload = await this.host.StartVerificationAsync(phone);
        await this.host.AnswerCodeAsync(payload, await this.host.ReadCodeAsync(phone));
        await this.host.WaitForEndAsync(payload);

        HttpStatusCode late = await this.host.AnswerAsync(payload, "1234");

        Assert.Equal(HttpStatusCode.Gone, late);
    }

    [Fact]
    public async Task Status_WhileWaiting_Returns202WithLocationAndRetryAfter()
    {
        string phone = TestHost.NewPhoneNumber();
        JObject payload = await this.host.StartVerificationAsync(phone);
        await this.host.ReadCodeAsync(phone);

        // The SMS goes out inside the first episode, before it commits: wait for its timer, stored with that commit.
        await this.host.WaitForTimerAsync((string)payload["id"]!);
        string statusUri = (string)payload["statusQueryGetUri"]!;

        using HttpResponseMessage response = await this.host.Client.GetAsync(statusUri);
        JObject body = JObject.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(new Uri(statusUri), response.Headers.Location);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Equal(
            ["name", "instanceId", "runtimeStatus", "input", "customStatus", "output", "createdTime", "lastUpdatedTime"],
            body.Properties().Select(p => p.Name));
        Assert.Equal("E4_SmsPhoneVerification", (string?)body["name"]);
        Assert.Equal((string?)payload["id"], (string?)body["instanceId"]);

        // The first episode has committed: Running.
        Assert.Equal("Running", (string?)body["runtimeStatus"]);
        Assert.Equal(phone, (string?)body["input"]);
        Assert.Equal(JTokenType.Null, body["output"]!.Type);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Start_ValidPhone_Returns202PayloadWithLinksCarryingTaskHubConnectionAndCode()
    {
        // Act
        using HttpResponseMessage response = await this.host.PostJsonAsync("/orchestrators/E4_SmsPhoneVerification", $"\"{TestHost.NewPhoneNumber()}\"");
        JObject payload = JObject.Parse(await response.Content.ReadAsStringAsync());

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(10), response.Headers.RetryAfter?.Delta);
        Assert.Equal(
            ["id", "statusQueryGetUri", "sendEventPostUri", "terminatePostUri", "purgeHistoryDeleteUri", "restartPostUri", "suspendPostUri", "resumePostUri"],
            payload.Properties().Select(p => p.Name));
        string id = (string)payload["id"]!;
        Assert.Matches("^[0-9a-f]{32}$", id);
        string instance = $"{this.host.Client.BaseAddress!.GetLeftPart(UriPartial.Authority)}/runtime/webhooks/durabletask/instances/{id}";
        Assert.Equal(new Uri((string)payload["statusQueryGetUri"]!), response.Headers.Location);
        Assert.Matches($"^{Regex(instance)}\\?taskHub=SampleHubVS&connection=Storage&code=[A-Za-z0-9_-]+$", (string)payload["statusQueryGetUri"]!);
        Assert.Matches($"^{Regex(instance)}/raiseEvent/\\{{eventName}}\\?taskHub=SampleHubVS&connection=Storage&code=", (string)payload["sendEventPostUri"]!);
        Assert.Matches($"^{Regex(instance)}/terminate\\?reason=\\{{text}}&taskHub=SampleHubVS&connection=Storage&code=", (string)payload["terminatePostUri"]!);
        Assert.Equal((string)payload["statusQueryGetUri"]!, (string)payload["purgeHistoryDeleteUri"]!);
        Assert.Matches($"^{Regex(instance)}/restart\\?taskHub=SampleHubVS&connection=Storage&code=", (string)payload["restartPostUri"]!);
        Assert.Matches($"^{Regex(instance)}/suspend\\?reason=\\{{text}}&taskHub=", (string)payload["suspendPostUri"]!);
        Assert.Matches($"^{Regex(instance)}/resume\\?reason=\\{{text}}&taskHub=", (string)payload["resumePostUri"]!);
    }

    [Theory]
    [InlineData("\"12345\"", "E.164")]
    [InlineData("\"+1 425 555 0123\"", "E.164")]
    [InlineData("", "A phone number is required")]
    [InlineData("42", "must be a JSON string")]
    public async Task Start_BadPhone_Returns400WithJsonMessage(string body, string expected)
    {
        using HttpResponseMessage response = await this.host.PostJsonAsync("/orchestrators/E4_SmsPhoneVerification", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JObject error = JObject.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(expected, (string)error["error"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{bad")]
    [InlineData("\"+14255550123")]
    public async Task Start_MalformedJson_Returns400WithJsonMessage(string body)
    {
        using HttpResponseMessage response = await this.host.PostJsonAsync("/orchestrators/E4_SmsPhoneVerification", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", (string)JObject.Parse(await response.Content.ReadAsStringAsync())["error"]!, StringComparison.Ordinal);
    }

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
