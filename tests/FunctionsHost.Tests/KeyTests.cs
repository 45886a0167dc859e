using System.Net;
using FunctionsHost.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>
/// Keys as in Azure Functions: each authorization level, the management API's system key, the per-instance link
/// code, and the rule that skips keys only in Development on loopback.
/// </summary>
public sealed class KeyTests : IAsyncLifetime
{
    private static readonly IReadOnlyList<Type> Functions = [.. FunctionsHostOptions.PhoneVerificationFunctions, typeof(KeyTestFunctions)];
    private TestHost host = null!;
    private TestKeys keys = null!;
    private string functionPingKey = string.Empty;

    public async Task InitializeAsync()
    {
        this.host = await TestHost.StartAsync(settings: new Dictionary<string, string?> { ["FunctionsHostEnableAuth"] = "true" }, functionTypes: Functions);
        this.keys = TestKeys.Read(this.host);
        this.functionPingKey = (string)JObject.Parse(File.ReadAllText(Path.Combine(this.host.AppFolder, "secrets", "keys.json")))["functions"]!["FunctionPing"]!["default"]!;
    }

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    [Theory]
    [InlineData("/ping/open", "none", HttpStatusCode.OK)]
    [InlineData("/ping/open", "wrong", HttpStatusCode.OK)]
    [InlineData("/ping/function", "none", HttpStatusCode.Unauthorized)]
    [InlineData("/ping/function", "wrong", HttpStatusCode.Unauthorized)]
    [InlineData("/ping/function", "own", HttpStatusCode.OK)]
    [InlineData("/ping/function", "otherFunction", HttpStatusCode.Unauthorized)]
    [InlineData("/ping/function", "hostFunction", HttpStatusCode.OK)]
    [InlineData("/ping/function", "system", HttpStatusCode.Unauthorized)]
    [InlineData("/ping/function", "master", HttpStatusCode.OK)]
    [InlineData("/ping/admin", "none", HttpStatusCode.Unauthorized)]
    [InlineData("/ping/admin", "hostFunction", HttpStatusCode.Unauthorized)]
    [InlineData("/ping/admin", "system", HttpStatusCode.Unauthorized)]
    [InlineData("/ping/admin", "master", HttpStatusCode.OK)]
    public async Task HttpFunction_KeyByLevel_AllowedOrUnauthorized(string path, string key, HttpStatusCode expected)
    {
        // Both ways Azure Functions accepts a key.
        using HttpResponseMessage byQuery = await this.host.Client.GetAsync(this.WithCode(path, key));
        using HttpRequestMessage request = new(HttpMethod.Get, path);
        if (this.Key(key) is { } value)
        {
            request.Headers.Add("x-functions-key", value);
        }

        using HttpResponseMessage byHeader = await this.host.Client.SendAsync(request);

        Assert.Equal(expected, byQuery.StatusCode);
        Assert.Equal(expected, byHeader.StatusCode);
        if (expected == HttpStatusCode.Unauthorized)
        {
            await AssertRevealsNothingAsync(byQuery, this.keys);
        }
    }

    [Theory]
    [InlineData("none", HttpStatusCode.Unauthorized)]
    [InlineData("wrong", HttpStatusCode.Unauthorized)]
    [InlineData("hostFunction", HttpStatusCode.Unauthorized)]
    [InlineData("own", HttpStatusCode.Unauthorized)]
    [InlineData("system", HttpStatusCode.OK)]
    [InlineData("master", HttpStatusCode.OK)]
    public async Task ManagementApi_NeedsSystemOrMasterKey(string key, HttpStatusCode expected)
    {
        using HttpResponseMessage response = await this.host.Client.GetAsync(this.WithCode(TestHost.WebhookBase + "/instances", key));

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Unauthorized)
        {
            await AssertRevealsNothingAsync(response, this.keys);
        }
    }

    [Fact]
    public async Task HttpStart_FunctionLevel_NeedsItsKeyAndHandsOutInstanceLinks()
    {
        // Arrange
        string phone = TestHost.NewPhoneNumber();
        using HttpResponseMessage refused = await this.host.PostJsonAsync("/orchestrators/E4_SmsPhoneVerification", $"\"{phone}\"");

        // Act
        using HttpResponseMessage started = await this.host.PostJsonAsync("/orchestrators/E4_SmsPhoneVerification?code=" + this.keys.HttpStart, $"\"{phone}\"");
        JObject payload = JObject.Parse(await started.Content.ReadAsStringAsync());

        // Assert: the links carry a code, and it is none of the host's keys.
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        string code = CodeOf((string)payload["statusQueryGetUri"]!);
        Assert.DoesNotContain(code, new[] { this.keys.Master, this.keys.System, this.keys.HostFunction, this.keys.HttpStart });
        foreach (string link in new[] { "statusQueryGetUri", "sendEventPostUri", "terminatePostUri", "purgeHistoryDeleteUri", "restartPostUri", "suspendPostUri", "resumePostUri" })
        {
            Assert.Equal(code, CodeOf((string)payload[link]!));
        }
    }

    [Fact]
    public async Task InstanceLink_OpensItsOwnInstanceOnly_AndNeverItsActivityOutput()
    {
        // Arrange: two verifications; the first one's links.
        JObject mine = await this.StartAsync(TestHost.NewPhoneNumber());
        JObject other = await this.StartAsync(TestHost.NewPhoneNumber());
        string status = (string)mine["statusQueryGetUri"]!;
        string code = CodeOf(status);
        await this.WaitForHistoryOutputAsync((string)mine["id"]!);

        // Act
        using HttpResponseMessage own = await this.host.Client.GetAsync(status + "&showHistory=true");
        using HttpResponseMessage outputs = await this.host.Client.GetAsync(status + "&showHistory=true&showHistoryOutput=true");
        using HttpResponseMessage someoneElse = await this.host.Client.GetAsync($"{TestHost.WebhookBase}/instances/{other["id"]}?code={code}");
        using HttpResponseMessage list = await this.host.Client.GetAsync($"{TestHost.WebhookBase}/instances?code={code}");
        using HttpResponseMessage restart = await this.host.Client.PostAsync((string)mine["restartPostUri"]!, null);
        using HttpResponseMessage operatorView = await this.host.Client.GetAsync($"{TestHost.WebhookBase}/instances/{mine["id"]}?showHistory=true&showHistoryOutput=true&code={this.keys.System}");

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, own.StatusCode);
        string ownBody = await own.Content.ReadAsStringAsync();
        Assert.Contains("TaskCompleted", ownBody, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Result\"", ownBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, outputs.StatusCode);
        Assert.Equal("showHistoryOutput", (string?)JObject.Parse(await outputs.Content.ReadAsStringAsync())["field"]);
        Assert.Equal(HttpStatusCode.Unauthorized, someoneElse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, restart.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, operatorView.StatusCode);
        Assert.Contains("\"Result\"", await operatorView.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstanceLink_RaisesEventsAndTerminatesItsInstance()
    {
        JObject mine = await this.StartAsync(TestHost.NewPhoneNumber());

        HttpStatusCode answered = await this.host.AnswerAsync(mine, "1");
        using HttpResponseMessage terminated = await this.host.Client.PostAsync(((string)mine["terminatePostUri"]!).Replace("{text}", "done", StringComparison.Ordinal), null);
        (HttpStatusCode status, JObject body) = await this.host.WaitForEndAsync(mine);

        Assert.Equal(HttpStatusCode.Accepted, answered);
        Assert.Equal(HttpStatusCode.Accepted, terminated.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Terminated", (string?)body["runtimeStatus"]);
    }

    [Fact]
    public async Task DevOutbox_WhenKeysAreEnforced_NeedsTheMasterKey()
    {
        using HttpResponseMessage none = await this.host.Client.GetAsync("/dev/outbox");
        using HttpResponseMessage system = await this.host.Client.GetAsync("/dev/outbox?code=" + this.keys.System);
        using HttpResponseMessage master = await this.host.Client.GetAsync("/dev/outbox?code=" + this.keys.Master);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, system.StatusCode);
        Assert.Equal(HttpStatusCode.OK, master.StatusCode);
    }

    [Fact]
    public void Banner_SaysKeysAreEnforced() =>
        Assert.Contains("Keys: enforced (FunctionsHostEnableAuth=true).", this.host.Banner.ToString(), StringComparison.Ordinal);

    [Fact]
    public async Task KeysFile_IsOwnerOnly_AndKeptAcrossStarts()
    {
        // Arrange: two hosts, one after the other, on one secrets folder.
        string secrets = Path.Combine(Path.GetTempPath(), "functionshost-secrets-" + Guid.NewGuid().ToString("N"));
        Dictionary<string, string?> settings = new() { ["FunctionsHostSecretsPath"] = secrets };
        try
        {
            // Act
            await (await TestHost.StartAsync(settings: settings)).DisposeAsync();
            TestKeys first = TestKeys.Read(secrets);
            await (await TestHost.StartAsync(settings: settings)).DisposeAsync();
            TestKeys second = TestKeys.Read(secrets);

            // Assert
            Assert.Equal(first, second);
            Assert.Equal(43, first.Master.Length);
            Assert.Equal(4, new[] { first.Master, first.System, first.HostFunction, first.HttpStart }.Distinct().Count());
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(secrets, "keys.json")));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(secrets));
            }
        }
        finally
        {
            Directory.Delete(secrets, recursive: true);
        }
    }

    [Fact]
    public async Task KeysFile_HostsStartingTogether_AllGetTheSameKeys()
    {
        string secrets = Path.Combine(Path.GetTempPath(), "functionshost-secrets-" + Guid.NewGuid().ToString("N"));
        try
        {
            HostKeys[] loaded = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => HostSecretsFile.LoadOrCreate(secrets, ["HttpStart"]))));

            Assert.Single(loaded.Select(k => k.MasterKey).Distinct());
            Assert.Single(loaded.Select(k => k.InstanceCode("same-instance")).Distinct());
            Assert.Equal(loaded[0].MasterKey, TestKeys.Read(secrets).Master);
            Assert.Equal(["keys.json", "keys.json.lock"], Directory.GetFiles(secrets).Select(Path.GetFileName).Order());
        }
        finally
        {
            Directory.Delete(secrets, recursive: true);
        }
    }

    private static string CodeOf(string url) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(url).Query)["code"].Single()!;

    private static async Task AssertRevealsNothingAsync(HttpResponseMessage response, TestKeys keys)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("{", body, StringComparison.Ordinal);
        foreach (string key in new[] { keys.Master, keys.System, keys.HostFunction, keys.HttpStart })
        {
            Assert.DoesNotContain(key, body, StringComparison.Ordinal);
        }

        // The same sentence whatever was wrong: no hint which key came close or exists.
        JObject error = JObject.Parse(body);
        Assert.Matches("^A valid key is required for (this function|the Durable management API)\\.$", (string)(error["error"] ?? error["Message"])!);
    }

    private string? Key(string kind) => kind switch
    {
        "none" => null,
        "wrong" => "not-a-key-0000000000000000000000000000000000",
        "own" => this.functionPingKey,
        "otherFunction" => this.keys.HttpStart,
        "hostFunction" => this.keys.HostFunction,
        "system" => this.keys.System,
        "master" => this.keys.Master,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private string WithCode(string path, string kind) =>
        this.Key(kind) is { } key ? path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "code=" + Uri.EscapeDataString(key) : path;

    private async Task<JObject> StartAsync(string phone)
    {
        using HttpResponseMessage started = await this.host.PostJsonAsync("/orchestrators/E4_SmsPhoneVerification?code=" + this.keys.HttpStart, $"\"{phone}\"");
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        return JObject.Parse(await started.Content.ReadAsStringAsync());
    }

    private async Task WaitForHistoryOutputAsync(string id)
    {
        for (int i = 0; i < 300; i++)
        {
            string status = await this.host.Client.GetStringAsync($"{TestHost.WebhookBase}/instances/{id}?showHistory=true&code={this.keys.System}");
            if (status.Contains("TaskCompleted", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("The activity never completed.");
    }
}

/// <summary>When keys are skipped: only Development on loopback, as func start; any other address or environment enforces them.</summary>
public sealed class KeyEnforcementTests
{
    [Theory]
    [InlineData("http://localhost:7071", true)]
    [InlineData("http://127.0.0.1:7071", true)]
    [InlineData("http://127.8.9.10:80", true)]
    [InlineData("http://[::1]:7071", true)]
    [InlineData("http://0.0.0.0:7071", false)]
    [InlineData("http://[::]:7071", false)]
    [InlineData("http://+:7071", false)]
    [InlineData("http://*:7071", false)]
    [InlineData("http://192.168.1.10:7071", false)]
    [InlineData("http://myhost.example.com:7071", false)]
    public void IsLoopback_Address(string address, bool loopback) => Assert.Equal(loopback, KeyEnforcement.IsLoopback(address));

    [Theory]
    [InlineData(true, false, new[] { "http://127.0.0.1:7071" }, false)]
    [InlineData(true, false, new[] { "http://127.0.0.1:7071", "http://[::1]:7071" }, false)]
    [InlineData(true, false, new[] { "http://127.0.0.1:7071", "http://0.0.0.0:7072" }, true)]
    [InlineData(true, true, new[] { "http://127.0.0.1:7071" }, true)]
    [InlineData(false, false, new[] { "http://127.0.0.1:7071" }, true)]
    [InlineData(false, false, new[] { "http://0.0.0.0:7071" }, true)]
    public void Rule_DevelopmentOnLoopbackOnly_SkipsKeys(bool development, bool enableAuth, string[] addresses, bool enforced) =>
        Assert.Equal(enforced, KeyEnforcement.Rule(development, enableAuth, addresses).Enforced);

    [Fact]
    public async Task DevelopmentOnLoopback_SkipsKeys_AndSaysSo()
    {
        await using TestHost host = await TestHost.StartAsync();

        using HttpResponseMessage list = await host.Client.GetAsync(TestHost.WebhookBase + "/instances");
        JObject started = await host.StartVerificationAsync(TestHost.NewPhoneNumber());

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.NotNull(started["id"]);
        Assert.Contains("Keys: NOT enforced: Development on loopback only", host.Banner.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevelopmentOnAllInterfaces_EnforcesKeys()
    {
        // Arrange: Kestrel bound to 0.0.0.0, as a developer exposing the host on the LAN would.
        await using TestHost host = await TestHost.StartAsync(configure: options => options.ConfigureServices = services =>
            services.Configure<KestrelServerOptions>(kestrel => kestrel.Listen(IPAddress.Any, 0)));
        TestKeys keys = TestKeys.Read(host);
        using HttpClient client = new() { BaseAddress = new Uri($"http://127.0.0.1:{host.Client.BaseAddress!.Port}") };

        // Act
        using HttpResponseMessage list = await client.GetAsync(TestHost.WebhookBase + "/instances");
        using HttpResponseMessage withKey = await client.GetAsync(TestHost.WebhookBase + "/instances?code=" + keys.System);
        using StringContent phone = new($"\"{TestHost.NewPhoneNumber()}\"", System.Text.Encoding.UTF8, "application/json");
        using HttpResponseMessage start = await client.PostAsync("/orchestrators/E4_SmsPhoneVerification", phone);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, start.StatusCode);
        Assert.Contains("Keys: enforced (listening on http://0.0.0.0:", host.Banner.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProductionOnLoopback_EnforcesKeys()
    {
        await using TestHost host = await TestHost.StartAsync(
            environmentName: "Production",
            settings: new Dictionary<string, string?>
            {
                ["TwilioAccountSid"] = "AC" + new string('0', 32),
                ["TwilioAuthToken"] = "token-never-used",
                ["TwilioPhoneNumber"] = "+15005550006",
            });
        TestKeys keys = TestKeys.Read(host);

        using HttpResponseMessage list = await host.Client.GetAsync(TestHost.WebhookBase + "/instances");
        using HttpResponseMessage withKey = await host.Client.GetAsync(TestHost.WebhookBase + "/instances?code=" + keys.Master);

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.Contains("Keys: enforced (the environment is not Development).", host.Banner.ToString(), StringComparison.Ordinal);
    }
}
