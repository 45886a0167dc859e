using System.Net;
using System.Text;
using Durable.Testing.Processes;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>The host as users run it: a separate process, configured by environment variables, stopped by SIGTERM.</summary>
public sealed class ProcessHostTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Process_WalkthroughThenSigterm_VerifiesAndExitsCleanly()
    {
        // Arrange: a temp app folder with the repository's host.json; settings come from the environment.
        string folder = TestHost.NewAppFolder();
        using HostProcess host = Start(folder, true);
        int port = host.Port;
        try
        {
            await host.WaitForOutputAsync("Task hub: EnvHub", Deadline);
            using HttpClient client = new() { BaseAddress = host.BaseUrl, Timeout = Deadline };
            string phone = TestHost.NewPhoneNumber();

            // Act: the README walkthrough over HTTP.
            using HttpResponseMessage started = await client.PostAsync("/orchestrators/E4_SmsPhoneVerification", new StringContent($"\"{phone}\"", Encoding.UTF8, "application/json"));
            JObject payload = JObject.Parse(await started.Content.ReadAsStringAsync());
            string code = await ReadCodeAsync(client, phone);
            string raise = ((string)payload["sendEventPostUri"]!).Replace("{eventName}", "SmsChallengeResponse", StringComparison.Ordinal);
            using HttpResponseMessage raised = await client.PostAsync(raise, new StringContent(int.Parse(code, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8, "application/json"));
            JObject status = await WaitForCompletedAsync(client, (string)payload["statusQueryGetUri"]!);
            using HttpResponseMessage unknown = await client.GetAsync("/nowhere");

            // Assert
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            Assert.Contains($"http://127.0.0.1:{port}/runtime/webhooks/durabletask/instances/", started.Headers.Location?.ToString() ?? string.Empty, StringComparison.Ordinal);
            Assert.Contains("taskHub=EnvHub&connection=Storage&code=", (string)payload["statusQueryGetUri"]!, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Accepted, raised.StatusCode);
            Assert.True((bool)status["output"]!);
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Contains($"HttpStart: [POST] http://localhost:{port}/orchestrators/{{functionName}}", host.Output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(folder, "state", "hub.db")), "the SQLite file named by the environment override");

            // Act: SIGTERM, as on Ctrl+C in a container.
            if (!OperatingSystem.IsWindows())
            {
                Assert.True(await host.TerminateAsync(Deadline), "the host did not exit after SIGTERM");
                Assert.Equal(0, host.ExitCode);
                Assert.Contains("Durable engine stopped", host.Output, StringComparison.Ordinal);
            }
        }
        finally
        {
            host.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Process_InvalidSetting_ExitsWithOneLineNamingIt()
    {
        string folder = TestHost.NewAppFolder();
        try
        {
            using HostProcess host = Start(folder, true, ("SmsChallengeMaxAttempts", "lots"));
            int exitCode = await host.WaitForExitAsync(Deadline);

            Assert.Equal(1, exitCode);
            Assert.Contains("SmsChallengeMaxAttempts", host.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Process_AspNetCoreUrlsWithoutPortFlag_ListensThere()
    {
        string folder = TestHost.NewAppFolder();
        int port = HostProcess.FreePort();
        using HostProcess host = Start(folder, false, ("ASPNETCORE_URLS", $"http://127.0.0.1:{port}"));
        try
        {
            await host.WaitForOutputAsync("Task hub: EnvHub", Deadline);
            using HttpClient client = new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Deadline };

            using HttpResponseMessage unknown = await client.GetAsync("/nowhere");

            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Contains($"HttpStart: [POST] http://localhost:{port}/orchestrators/{{functionName}}", host.Output, StringComparison.Ordinal);
        }
        finally
        {
            host.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The host in <paramref name="folder"/>, Twilio unset (the dev outbox), the hub and file from the environment.</summary>
    private static HostProcess Start(string folder, bool portFlag, params (string Name, string Value)[] extra)
    {
        Dictionary<string, string?> environment = new()
        {
            ["TwilioAccountSid"] = null,
            ["TwilioAuthToken"] = null,
            ["TwilioPhoneNumber"] = null,
            ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
            ["SmsChallengeTimeoutSeconds"] = "60",
            ["AzureFunctionsJobHost__extensions__durableTask__hubName"] = "EnvHub",
            ["AzureFunctionsJobHost__extensions__durableTask__storageProvider__databasePath"] = "state/hub.db",
        };
        foreach ((string name, string value) in extra)
        {
            environment[name] = value;
        }

        return HostProcess.Start(new HostProcessOptions { AppFolder = folder, PortFlag = portFlag, Environment = environment });
    }

    private static async Task<string> ReadCodeAsync(HttpClient client, string phone)
    {
        DateTime deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            JArray messages = JArray.Parse(await client.GetStringAsync("/dev/outbox?to=" + Uri.EscapeDataString(phone)));
            if (messages.Count > 0)
            {
                return ((string)messages[0]["body"]!)[^4..];
            }

            Assert.True(DateTime.UtcNow < deadline, "No SMS reached the outbox.");
            await Task.Delay(100);
        }
    }

    private static async Task<JObject> WaitForCompletedAsync(HttpClient client, string statusUri)
    {
        DateTime deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            using HttpResponseMessage response = await client.GetAsync(statusUri);
            JObject body = TestHost.Parse(await response.Content.ReadAsStringAsync());
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Not finished: {body}");
            await Task.Delay(100);
        }
    }
}
