using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>
/// Table-driven bad input on every endpoint: each case asserts the status, that the JSON error names the field (or
/// says what is wrong), and that the store is unchanged: the running and the completed instance have the same status
/// and history before and after, and no instance appeared or vanished.
/// </summary>
public sealed class BadInputTests : IClassFixture<BadInputTests.Instances>
{
    private const string Api = TestHost.WebhookBase;
    private const string Start = "/orchestrators/E4_SmsPhoneVerification";
    private const string Phone = "\"+14255550123\"";

    private static readonly BadInput[] Cases =
    [
        // HttpStart (the app's function).
        new("start: digits without +", "POST", Start, "\"14255550123\"", Status: 400, Field: "phoneNumber"),
        new("start: spaces", "POST", Start, "\"+1 425 555 0123\"", Status: 400, Field: "phoneNumber"),
        new("start: country code 0", "POST", Start, "\"+0123\"", Status: 400, Field: "phoneNumber"),
        new("start: 16 digits", "POST", Start, "\"+1234567890123456\"", Status: 400, Field: "phoneNumber"),
        new("start: non-ASCII digits", "POST", Start, "\"+١٤٢٥٥٥٥٠١٢٣\"", Status: 400, Field: "phoneNumber"),
        new("start: trailing newline", "POST", Start, "\"+14255550123\\n\"", Status: 400, Field: "phoneNumber"),
        new("start: empty body", "POST", Start, string.Empty, Status: 400, Field: "body"),
        new("start: malformed JSON", "POST", Start, "{bad", Status: 400, Field: "body"),
        new("start: JSON number", "POST", Start, "42", Status: 400, Field: "body"),
        new("start: JSON null", "POST", Start, "null", Status: 400, Field: "body"),
        new("start: text/plain", "POST", Start, Phone, ContentType: "text/plain", Status: 415, Field: "Content-Type"),
        new("start: form content", "POST", Start, "phone=%2B14255550123", ContentType: "application/x-www-form-urlencoded", Status: 415, Field: "Content-Type"),
        new("start: 2 KB body", "POST", Start, "\"" + new string('1', 2048) + "\"", Status: 413, Field: "body"),
        new("start: unknown orchestrator", "POST", "/orchestrators/NoSuchOrchestrator", Phone, Status: 404, Field: "functionName", Text: "NoSuchOrchestrator"),
        new("start: activity is not an orchestrator", "POST", "/orchestrators/E4_SendSmsChallenge", Phone, Status: 404, Field: "functionName", Text: "E4_SendSmsChallenge"),

        // Strict JSON (RFC 8259) on HttpStart: nothing JSON.NET alone would let through.
        new("start: single-quoted string", "POST", Start, "'+14255550199'", Status: 400, Field: "body"),
        new("start: comment", "POST", Start, "/* x */ \"+14255550199\"", Status: 400, Field: "body"),
        new("start: trailing comment", "POST", Start, "\"+14255550199\" // x", Status: 400, Field: "body"),
        new("start: raw NUL in string", "POST", Start, "\"+1425555\u00000199\"", Status: 400, Field: "body"),
        new("start: trailing text", "POST", Start, "\"+14255550199\" x", Status: 400, Field: "body"),
        new("start: not UTF-8", "POST", Start, "@latin1", Status: 400, Field: "body"),

        // Built-in start.
        new("built-in start: unknown orchestrator", "POST", Api + "/orchestrators/Nope", Phone, Status: 400, Field: "functionName", Text: "Nope"),
        new("built-in start: malformed JSON", "POST", Api + "/orchestrators/E4_SmsPhoneVerification", "{\"a\":", Status: 400, Field: "body", Text: "Invalid JSON content"),
        new("built-in start: trailing text", "POST", Api + "/orchestrators/E4_SmsPhoneVerification", "\"+14255550123\" x", Status: 400, Field: "body"),
        new("built-in start: single-quoted string", "POST", Api + "/orchestrators/E4_SmsPhoneVerification", "'+14255550199'", Status: 400, Field: "body"),
        new("built-in start: NaN", "POST", Api + "/orchestrators/E4_SmsPhoneVerification", "NaN", Status: 400, Field: "body"),
        new("built-in start: unquoted key", "POST", Api + "/orchestrators/E4_SmsPhoneVerification", "{a:1}", Status: 400, Field: "body"),
        new("built-in start: trailing comma", "POST", Api + "/orchestrators/E4_SmsPhoneVerification", "[1234,]", Status: 400, Field: "body"),
        new("built-in start: raw NUL in string", "POST", Api + "/orchestrators/E4_SmsPhoneVerification", "\"a\u0000b\"", Status: 400, Field: "body"),
        new("built-in start: comment", "POST", Api + "/orchestrators/E4_SmsPhoneVerification", "\"+14255550199\" /* x */", Status: 400, Field: "body"),
        new("built-in start: text/plain", "POST", Api + "/orchestrators/E4_SmsPhoneVerification", Phone, ContentType: "text/plain", Status: 415, Field: "Content-Type"),
        new("built-in start: id starts with @", "POST", Api + "/orchestrators/E4_SmsPhoneVerification/@entity", Phone, Status: 400, Field: "instanceId"),
        new("built-in start: id of 257 chars", "POST", Api + "/orchestrators/E4_SmsPhoneVerification/" + new string('a', 257), Phone, Status: 400, Field: "instanceId"),
        new("built-in start: id with control char", "POST", Api + "/orchestrators/E4_SmsPhoneVerification/a%01b", Phone, Status: 400, Field: "instanceId"),
        new("built-in start: id of a running instance", "POST", Api + "/orchestrators/E4_SmsPhoneVerification/{run}", Phone, Status: 409, Field: "instanceId"),
        new("built-in start: body over 1 MiB", "POST", Api + "/orchestrators/E4_SmsPhoneVerification", "@large", Status: 413, Field: "body"),
        new("built-in start: timeout not a number", "POST", Api + "/orchestrators/E4_SmsPhoneVerification?timeout=soon&pollingInterval=1", Phone, Status: 400, Field: "timeout"),
        new("built-in start: negative pollingInterval", "POST", Api + "/orchestrators/E4_SmsPhoneVerification?timeout=5&pollingInterval=-1", Phone, Status: 400, Field: "pollingInterval"),

        // Status.
        new("status: unknown instance", "GET", Api + "/instances/no-such-instance", null, Status: 404, Field: "instanceId", Text: "no-such-instance"),
        new("status: id starts with @", "GET", Api + "/instances/@x", null, Status: 400, Field: "instanceId"),
        new("status: id of 300 chars", "GET", Api + "/instances/" + new string('x', 300), null, Status: 400, Field: "instanceId"),
        new("status: showHistory not a boolean", "GET", Api + "/instances/{run}?showHistory=maybe", null, Status: 400, Field: "showHistory"),
        new("status: showInput=1", "GET", Api + "/instances/{run}?showInput=1", null, Status: 400, Field: "showInput"),
        new("status: other task hub", "GET", Api + "/instances/{run}?taskHub=OtherHub", null, Status: 400, Field: "taskHub", Text: "OtherHub"),
        new("status: other task hub names the served one", "GET", Api + "/instances/{run}?taskHub=OtherHub", null, Status: 400, Field: "taskHub", Text: "SampleHubVS"),
        new("status: other connection", "GET", Api + "/instances/{run}?taskHub=SampleHubVS&connection=OtherStorage", null, Status: 400, Field: "connection", Text: "OtherStorage"),
        new("purge: other connection", "DELETE", Api + "/instances/{done}?connection=OtherStorage", null, Status: 400, Field: "connection", Text: "Storage"),

        // Query.
        new("query: top=0", "GET", Api + "/instances?top=0", null, Status: 400, Field: "top"),
        new("query: top not a number", "GET", Api + "/instances?top=ten", null, Status: 400, Field: "top"),
        new("query: top too large", "GET", Api + "/instances?top=100000", null, Status: 400, Field: "top"),
        new("query: orderBy another field", "GET", Api + "/instances?orderBy=name%20desc", null, Status: 400, Field: "orderBy", Text: "name desc"),
        new("query: orderBy unknown direction", "GET", Api + "/instances?orderBy=createdTime%20newest", null, Status: 400, Field: "orderBy", Text: "newest"),
        new("query: unknown runtimeStatus", "GET", Api + "/instances?runtimeStatus=Running,Sleeping", null, Status: 400, Field: "runtimeStatus", Text: "Sleeping"),
        new("query: createdTimeFrom not a date", "GET", Api + "/instances?createdTimeFrom=yesterday", null, Status: 400, Field: "createdTimeFrom"),
        new("query: createdTimeTo not a date", "GET", Api + "/instances?createdTimeTo=2026-13-45", null, Status: 400, Field: "createdTimeTo"),
        new("query: forged continuation token", "GET", Api + "/instances", null, Status: 400, Field: "x-ms-continuation-token", Headers: [("x-ms-continuation-token", "not-a-token")]),
        new("query: instanceIdPrefix of 300 chars", "GET", Api + "/instances?instanceIdPrefix=" + new string('p', 300), null, Status: 400, Field: "instanceIdPrefix"),

        // Raise event.
        new("raiseEvent: text/plain", "POST", Api + "/instances/{run}/raiseEvent/SmsChallengeResponse", "1234", ContentType: "text/plain", Status: 400, Field: "Content-Type"),
        new("raiseEvent: malformed JSON", "POST", Api + "/instances/{run}/raiseEvent/SmsChallengeResponse", "12 34", Status: 400, Field: "body", Text: "Invalid JSON content"),
        new("raiseEvent: single-quoted string", "POST", Api + "/instances/{run}/raiseEvent/SmsChallengeResponse", "'1234'", Status: 400, Field: "body"),
        new("raiseEvent: NaN", "POST", Api + "/instances/{run}/raiseEvent/SmsChallengeResponse", "NaN", Status: 400, Field: "body"),
        new("raiseEvent: unquoted key", "POST", Api + "/instances/{run}/raiseEvent/SmsChallengeResponse", "{a:1}", Status: 400, Field: "body"),
        new("raiseEvent: trailing comma", "POST", Api + "/instances/{run}/raiseEvent/SmsChallengeResponse", "[1234,]", Status: 400, Field: "body"),
        new("raiseEvent: raw NUL in string", "POST", Api + "/instances/{run}/raiseEvent/SmsChallengeResponse", "\"12\u000034\"", Status: 400, Field: "body"),
        new("raiseEvent: comment", "POST", Api + "/instances/{run}/raiseEvent/SmsChallengeResponse", "1234 // x", Status: 400, Field: "body"),
        new("raiseEvent: leading comment", "POST", Api + "/instances/{run}/raiseEvent/SmsChallengeResponse", "/* x */ 1234", Status: 400, Field: "body"),
        new("raiseEvent: empty body", "POST", Api + "/instances/{run}/raiseEvent/SmsChallengeResponse", string.Empty, Status: 400, Field: "body"),
        new("raiseEvent: body over DurableMaxEventPayloadBytes (4 KiB)", "POST", Api + "/instances/{run}/raiseEvent/SmsChallengeResponse", "\"" + new string('1', 4096) + "\"", Status: 413, Field: "body"),
        new("raiseEvent: body over 1 MiB", "POST", Api + "/instances/{run}/raiseEvent/SmsChallengeResponse", "@large", Status: 413, Field: "body"),
        new("raiseEvent: not UTF-8", "POST", Api + "/instances/{run}/raiseEvent/SmsChallengeResponse", "@latin1", Status: 400, Field: "body"),
        new("raiseEvent: nested 100 deep", "POST", Api + "/instances/{run}/raiseEvent/SmsChallengeResponse", new string('[', 100) + new string(']', 100), Status: 400, Field: "body"),
        new("raiseEvent: unknown instance", "POST", Api + "/instances/nobody/raiseEvent/SmsChallengeResponse", "1234", Status: 404, Field: "instanceId", Text: "nobody"),
        new("raiseEvent: completed instance", "POST", Api + "/instances/{done}/raiseEvent/SmsChallengeResponse", "1234", Status: 410, Field: "instanceId"),
        new("raiseEvent: event name with control char", "POST", Api + "/instances/{run}/raiseEvent/Sms%07", "1234", Status: 400, Field: "eventName"),
        new("raiseEvent: event name of 300 chars", "POST", Api + "/instances/{run}/raiseEvent/" + new string('e', 300), "1234", Status: 400, Field: "eventName"),

        // Terminate, suspend, resume, rewind.
        new("terminate: unknown instance", "POST", Api + "/instances/nobody/terminate?reason=x", null, Status: 404, Field: "instanceId"),
        new("terminate: completed instance", "POST", Api + "/instances/{done}/terminate?reason=x", null, Status: 410, Field: "instanceId"),
        new("terminate: reason of 2000 chars", "POST", Api + "/instances/{run}/terminate?reason=" + new string('r', 2000), null, Status: 400, Field: "reason"),
        new("suspend: completed instance", "POST", Api + "/instances/{done}/suspend", null, Status: 410, Field: "instanceId"),
        new("resume: running instance", "POST", Api + "/instances/{run}/resume", null, Status: 409, Field: "instanceId", Text: "not suspended"),
        new("rewind: running instance", "POST", Api + "/instances/{run}/rewind", null, Status: 409, Field: "instanceId", Text: "Failed"),
        new("rewind: completed instance", "POST", Api + "/instances/{done}/rewind", null, Status: 410, Field: "instanceId", Text: "Failed"),
        new("rewind: unknown instance", "POST", Api + "/instances/nobody/rewind", null, Status: 404, Field: "instanceId"),

        // Restart.
        new("restart: unknown instance", "POST", Api + "/instances/nobody/restart", null, Status: 400, Field: "instanceId"),
        new("restart: same id while running", "POST", Api + "/instances/{run}/restart?restartWithNewInstanceId=false", null, Status: 409, Field: "restartWithNewInstanceId"),
        new("restart: flag not a boolean", "POST", Api + "/instances/{run}/restart?restartWithNewInstanceId=perhaps", null, Status: 400, Field: "restartWithNewInstanceId"),

        // Purge.
        new("purge: running instance", "DELETE", Api + "/instances/{run}", null, Status: 412, Text: "terminal state"),
        new("purge: unknown instance", "DELETE", Api + "/instances/nobody", null, Status: 404, Field: "instanceId"),
        new("purge many: no createdTimeFrom", "DELETE", Api + "/instances", null, Status: 400, Text: "createdTimeFrom"),
        new("purge many: createdTimeFrom not a date", "DELETE", Api + "/instances?createdTimeFrom=long-ago", null, Status: 400, Field: "createdTimeFrom"),
        new("purge many: unknown runtimeStatus", "DELETE", Api + "/instances?createdTimeFrom=2000-01-01T00:00:00Z&runtimeStatus=Done", null, Status: 400, Field: "runtimeStatus"),

        // Repeated query parameters: one value each (runtimeStatus alone may repeat), on every endpoint.
        new("purge many: createdTimeFrom twice", "DELETE", Api + "/instances?createdTimeFrom=2000-01-01T00:00:00Z&createdTimeFrom=garbage", null, Status: 400, Field: "createdTimeFrom"),
        new("purge many: createdTimeTo twice", "DELETE", Api + "/instances?createdTimeFrom=2000-01-01T00:00:00Z&createdTimeTo=2100-01-01T00:00:00Z&createdTimeTo=x", null, Status: 400, Field: "createdTimeTo"),
        new("query: top twice", "GET", Api + "/instances?top=2&top=abc", null, Status: 400, Field: "top"),
        new("query: orderBy twice", "GET", Api + "/instances?orderBy=createdTime%20desc&orderBy=createdTime%20asc", null, Status: 400, Field: "orderBy"),
        new("query: same top twice", "GET", Api + "/instances?top=2&top=2", null, Status: 400, Field: "top"),
        new("status: showHistory twice", "GET", Api + "/instances/{run}?showHistory=true&showHistory=maybe", null, Status: 400, Field: "showHistory"),
        new("status: taskHub twice", "GET", Api + "/instances/{run}?taskHub=SampleHubVS&taskHub=Other", null, Status: 400, Field: "taskHub"),
        new("status: code twice", "GET", Api + "/instances/{run}?code=a&code=b", null, Status: 400, Field: "code"),
        new("terminate: reason twice", "POST", Api + "/instances/{run}/terminate?reason=a&reason=b", null, Status: 400, Field: "reason"),
        new("raiseEvent: code twice", "POST", Api + "/instances/{run}/raiseEvent/SmsChallengeResponse?code=a&code=b", "1234", Status: 400, Field: "code"),
        new("built-in start: timeout twice", "POST", Api + "/orchestrators/E4_SmsPhoneVerification?timeout=1&timeout=x&pollingInterval=1", Phone, Status: 400, Field: "timeout"),
        new("restart: flag twice", "POST", Api + "/instances/{done}/restart?restartWithNewInstanceId=true&restartWithNewInstanceId=x", null, Status: 400, Field: "restartWithNewInstanceId"),
        new("start: code twice", "POST", Start + "?code=a&code=b", Phone, Status: 400, Field: "code"),
        new("dev outbox: to twice", "GET", "/dev/outbox?to=%2B1&to=%2B2", null, Status: 400, Field: "to"),
        new("continuation token header twice", "GET", Api + "/instances", null, Status: 400, Field: "x-ms-continuation-token", Headers: [("x-ms-continuation-token", "a"), ("x-ms-continuation-token", "b")]),

        // Content types: a body must be declared JSON; no Content-Type at all is refused too (a cross-site page can send that).
        new("start: no Content-Type", "POST", Start, Phone, ContentType: "", Status: 415, Field: "Content-Type"),
        new("built-in start: no Content-Type", "POST", Api + "/orchestrators/E4_SmsPhoneVerification", Phone, ContentType: "", Status: 415, Field: "Content-Type"),
        new("raiseEvent: no Content-Type", "POST", Api + "/instances/{run}/raiseEvent/SmsChallengeResponse", "1234", ContentType: "", Status: 400, Field: "Content-Type"),
        new("terminate: text/plain body", "POST", Api + "/instances/{run}/terminate", "x", ContentType: "text/plain", Status: 415, Field: "Content-Type"),
        new("suspend: body without Content-Type", "POST", Api + "/instances/{run}/suspend", "x", ContentType: "", Status: 415, Field: "Content-Type"),

        // Routes.
        new("unknown host route", "GET", "/nothing-here", null, Status: 404, Text: "No function or API matches"),
        new("wrong method on a function", "GET", Start, null, Status: 405),
        new("unknown management path", "GET", Api + "/nothing-here", null, Status: 404, Text: "No Durable management API operation"),
        new("wrong method on status", "PUT", Api + "/instances/{run}", "{}", Status: 404, Text: "No Durable management API operation"),
    ];

    private readonly Instances instances;

    public BadInputTests(Instances instances)
    {
        this.instances = instances;
    }

    public static TheoryData<string> CaseNames() => [.. Cases.Select(c => c.Name)];

    [Fact]
    public void Table_CoversAtLeastFortyCases() => Assert.True(Cases.Length >= 40, $"{Cases.Length} cases");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task BadRequest_IsRefusedWithNamedProblem_AndChangesNothing(string name)
    {
        // Arrange
        BadInput bad = Cases.Single(c => c.Name == name);
        string before = await this.instances.SnapshotAsync();

        // Act
        using HttpRequestMessage request = bad.ToRequest(this.instances.Running, this.instances.Completed);
        using HttpResponseMessage response = await this.instances.Host.Client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();

        // Assert
        Assert.True(bad.Status == (int)response.StatusCode, $"{name}: expected {bad.Status}, got {(int)response.StatusCode} {body}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType ?? string.Empty, StringComparison.Ordinal);
        JToken error = JToken.Parse(body);

        // One error shape everywhere (host, app function, management API): {"error": text, "status": code, "field"?}.
        Assert.True(error is JObject && error["error"]?.Type == JTokenType.String, $"{name}: no error text in {body}");
        Assert.Equal((int)response.StatusCode, (int?)error["status"]);
        if (bad.Field is not null)
        {
            Assert.True(bad.Field == (string?)error["field"], $"{name}: expected field '{bad.Field}' in {body}");
        }

        if (bad.Text is not null)
        {
            Assert.Contains(bad.Text, body, StringComparison.Ordinal);
        }

        Assert.Equal(before, await this.instances.SnapshotAsync());
    }

    [Fact]
    public async Task PurgeMany_RepeatedCreatedTimeFrom_DeletesNothing()
    {
        // Arrange: the finished instance is what a purge from 2000 on would delete.
        string before = await this.instances.Host.ListInstancesAsync();

        // Act
        using HttpResponseMessage response = await this.instances.Host.Client.DeleteAsync(Api + "/instances?createdTimeFrom=2000-01-01T00:00:00Z&createdTimeFrom=garbage");
        using HttpResponseMessage completed = await this.instances.Host.Client.GetAsync($"{Api}/instances/{this.instances.Completed}");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("createdTimeFrom", (string?)JObject.Parse(await response.Content.ReadAsStringAsync())["field"]);
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Equal(before, await this.instances.Host.ListInstancesAsync());
    }

    /// <summary>One bad request: path and body may use <c>{run}</c>/<c>{done}</c>; body <c>@large</c> is 1 MiB + 1 byte, <c>@latin1</c> invalid UTF-8; an empty content type sends none.</summary>
    public sealed record BadInput(string Name, string Method, string Path, string? Body, int Status, string? Field = null, string? Text = null, string ContentType = "application/json", (string Name, string Value)[]? Headers = null)
    {
        public HttpRequestMessage ToRequest(string running, string completed)
        {
            string path = this.Path.Replace("{run}", running, StringComparison.Ordinal).Replace("{done}", completed, StringComparison.Ordinal);
            HttpRequestMessage request = new(new HttpMethod(this.Method), path);
            if (this.Body is not null)
            {
                byte[] bytes = this.Body switch
                {
                    "@large" => Encoding.UTF8.GetBytes("\"" + new string('x', 1024 * 1024) + "\""),
                    "@latin1" => [0x22, 0xFF, 0xFE, 0x22],
                    _ => Encoding.UTF8.GetBytes(this.Body),
                };
                request.Content = new ByteArrayContent(bytes);
                if (this.ContentType.Length > 0)
                {
                    request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(this.ContentType);
                }
            }

            foreach ((string header, string value) in this.Headers ?? [])
            {
                request.Headers.TryAddWithoutValidation(header, value);
            }

            return request;
        }

        public override string ToString() => this.Name;
    }

    /// <summary>One host with a running instance (waiting for its code) and a completed one, shared by every case.</summary>
    public sealed class Instances : IAsyncLifetime
    {
        internal TestHost Host { get; private set; } = null!;

        public string Running { get; private set; } = string.Empty;

        public string Completed { get; private set; } = string.Empty;

        public async Task InitializeAsync()
        {
            this.Host = await TestHost.StartAsync(timeoutSeconds: 600);
            JObject running = await this.Host.StartVerificationAsync(TestHost.NewPhoneNumber());
            this.Running = (string)running["id"]!;

            string phone = TestHost.NewPhoneNumber();
            JObject completed = await this.Host.StartVerificationAsync(phone);
            await this.Host.AnswerCodeAsync(completed, await this.Host.ReadCodeAsync(phone));
            await this.Host.WaitForEndAsync(completed);
            this.Completed = (string)completed["id"]!;

            // The running one has sent its SMS and waits: its history no longer moves on its own.
            await this.Host.ReadCodeAsync((string)(await this.StatusAsync(this.Running))["input"]!);
            await this.WaitUntilWaitingAsync();
        }

        public async Task DisposeAsync() => await this.Host.DisposeAsync();

        /// <summary>Both instances' status with full history, and every instance's id, status and update time.</summary>
        public async Task<string> SnapshotAsync()
        {
            JObject running = await this.StatusAsync(this.Running);
            JObject completed = await this.StatusAsync(this.Completed);
            JArray all = JArray.Parse(await this.Host.Client.GetStringAsync(Api + "/instances?top=1000"));
            return new JArray(running, completed, new JArray(all.Select(i => $"{i["instanceId"]} {i["runtimeStatus"]} {i["lastUpdatedTime"]}").Order(StringComparer.Ordinal))).ToString();
        }

        private async Task<JObject> StatusAsync(string id) =>
            TestHost.Parse(await this.Host.Client.GetStringAsync($"{Api}/instances/{id}?showHistory=true&showHistoryOutput=true"));

        private async Task WaitUntilWaitingAsync()
        {
            // The activity result is in the history once the orchestrator has gone on to wait for the answer.
            for (int i = 0; i < 300; i++)
            {
                JObject status = await this.StatusAsync(this.Running);
                if (status["historyEvents"] is JArray history && history.Any(e => (string?)e["EventType"] == "TimerCreated"))
                {
                    return;
                }

                await Task.Delay(50);
            }

            Assert.Fail("The running instance never started waiting for its code.");
        }
    }
}
