using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
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
        int port = FreePort();
        using Process process = Start(folder, port);
        StringBuilder output = Capture(process);
        try
        {
            await WaitForAsync(() => Read(output).Contains("Task hub: EnvHub", StringComparison.Ordinal), process, output);
            using HttpClient client = new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Deadline };
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
            Assert.Contains($"HttpStart: [POST] http://localhost:{port}/orchestrators/{{functionName}}", Read(output), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(folder, "state", "hub.db")), "the SQLite file named by the environment override");

            // Act: SIGTERM, as on Ctrl+C in a container.
            if (!OperatingSystem.IsWindows())
            {
                using Process kill = Process.Start("/bin/kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
                using CancellationTokenSource exit = new(Deadline);
                await process.WaitForExitAsync(exit.Token);

                Assert.Equal(0, process.ExitCode);
                Assert.Contains("Durable engine stopped", Read(output), StringComparison.Ordinal);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Process_InvalidSetting_ExitsWithOneLineNamingIt()
    {
        string folder = TestHost.NewAppFolder();
        try
        {
            using Process process = Start(folder, FreePort(), ("SmsChallengeMaxAttempts", "lots"));
            string error = await process.StandardError.ReadToEndAsync();
            using CancellationTokenSource exit = new(Deadline);
            await process.WaitForExitAsync(exit.Token);

            Assert.Equal(1, process.ExitCode);
            Assert.Contains("SmsChallengeMaxAttempts", error, StringComparison.Ordinal);
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
        int port = FreePort();
        using Process process = Start(folder, null, ("ASPNETCORE_URLS", $"http://127.0.0.1:{port}"));
        StringBuilder output = Capture(process);
        try
        {
            await WaitForAsync(() => Read(output).Contains("Task hub: EnvHub", StringComparison.Ordinal), process, output);
            using HttpClient client = new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Deadline };

            using HttpResponseMessage unknown = await client.GetAsync("/nowhere");

            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Contains($"HttpStart: [POST] http://localhost:{port}/orchestrators/{{functionName}}", Read(output), StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Collects the process's standard output and error as they arrive.</summary>
    private static StringBuilder Capture(Process process)
    {
        StringBuilder output = new();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return output;
    }

    private static Process Start(string folder, int? port, params (string Name, string Value)[] extra)
    {
        ProcessStartInfo start = new("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FunctionsHost.dll"));
        if (port is { } flag)
        {
            start.ArgumentList.Add("--port");
            start.ArgumentList.Add(flag.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        foreach (string name in (string[])["TwilioAccountSid", "TwilioAuthToken", "TwilioPhoneNumber", "ASPNETCORE_URLS"])
        {
            start.Environment.Remove(name);
        }

        start.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
        start.Environment["SmsChallengeTimeoutSeconds"] = "60";
        start.Environment["AzureFunctionsJobHost__extensions__durableTask__hubName"] = "EnvHub";
        start.Environment["AzureFunctionsJobHost__extensions__durableTask__storageProvider__databasePath"] = "state/hub.db";
        foreach ((string name, string value) in extra)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
    }

    private static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForAsync(Func<bool> condition, Process process, StringBuilder output)
    {
        DateTime deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The host did not start (exited: {process.HasExited}). Output:{Environment.NewLine}{Read(output)}");
            }

            await Task.Delay(100);
        }
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

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
