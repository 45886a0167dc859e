using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Durable.Testing;
using Xunit.Abstractions;

namespace MultiHost.Tests;

/// <summary>
/// Scale-out as the README describes it: three host processes on one PostgreSQL database. Each flow is started on one
/// host, answered on another and read on the third; one host is SIGKILLed mid-run and the others take its work over
/// when its leases expire. Every wait is bounded by one deadline; nothing is timed.
/// </summary>
public sealed class MultiHostPostgresTests : IClassFixture<PostgresClusterFixture>
{
    private const int Flows = 1000;
    private const int Parallelism = 32;
    private const string Hub = "MultiHostHub";
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);

    private readonly PostgresClusterFixture cluster;
    private readonly ITestOutputHelper output;

    public MultiHostPostgresTests(PostgresClusterFixture cluster, ITestOutputHelper output)
    {
        this.cluster = cluster;
        this.output = output;
    }

    [PostgresFact]
    public async Task ThreeHosts_OneKilledMidRun_EveryFlowEndsOnceWithTheRightOutput()
    {
        // Arrange: one database, one fake Twilio every host texts through, one app folder (one host.json, one key set).
        using CancellationTokenSource deadline = new(Deadline);
        string connectionString = await this.cluster.CreateDatabaseAsync($"multihost_{Guid.NewGuid():N}");
        await using FakeTwilio twilio = new();
        await twilio.StartAsync();
        string appFolder = NewAppFolder();
        Dictionary<string, string> environment = HostEnvironment(connectionString, twilio.BaseUrl);
        List<NamedHost> hosts = [];
        try
        {
            hosts.Add(await NamedHost.StartAsync("host-1", appFolder, environment));
            hosts.AddRange(await Task.WhenAll(NamedHost.StartAsync("host-2", appFolder, environment), NamedHost.StartAsync("host-3", appFolder, environment)));
            NamedHost victim = hosts[2];
            string prefix = Random.Shared.Next(100, 1000).ToString(CultureInfo.InvariantCulture);
            Flow[] flows = [.. Enumerable.Range(0, Flows).Select(i => new Flow(i, $"+1555{prefix}{i:D4}", ExpectVerified: i % 10 != 0))];

            // Act 1: start every flow, round-robin over the hosts.
            await ForEachAsync(flows, f => this.StartAsync(f, hosts, deadline.Token));

            // Act 2: answer every flow on the next host; SIGKILL host-3 once 30 % are answered (it is then running
            // episodes and activities of its own and holds their leases).
            int answered = 0;
            using CompletionWatcher completed = new(hosts, deadline.Token);
            await ForEachAsync(flows, async f =>
            {
                await this.AnswerAsync(f, hosts, twilio, completed, deadline.Token, () =>
                {
                    int count = Interlocked.Increment(ref answered);
                    if (count == Flows * 3 / 10)
                    {
                        victim.Kill();
                        this.output.WriteLine($"SIGKILLed {victim.Name} after {count} flows were answered.");
                    }
                });
            });

            // Assert: read every instance on its third host, with history.
            ConcurrentBag<string> problems = [];
            int completedTwice = 0;
            await ForEachAsync(flows, async f =>
            {
                JsonElement status = await GetStatusAsync(Pick(hosts, f.Index + 2), f, deadline.Token);
                string runtimeStatus = status.GetProperty("runtimeStatus").GetString()!;
                bool? verified = status.GetProperty("output").ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null };
                int completions = status.GetProperty("historyEvents").EnumerateArray().Count(e => e.GetProperty("EventType").GetString() == "ExecutionCompleted");
                if (runtimeStatus != "Completed" || verified != f.ExpectVerified)
                {
                    problems.Add($"{f.Id}: {runtimeStatus}, output {verified?.ToString() ?? "null"}, expected {f.ExpectVerified}");
                }

                if (completions != 1)
                {
                    Interlocked.Increment(ref completedTwice);
                    problems.Add($"{f.Id}: {completions} ExecutionCompleted events");
                }
            });

            // The engine logs each terminal commit; a second one for an instance can only be an episode that found it
            // already finished (a late message: nothing is written). Reported, not asserted: an answer re-sent because
            // its host died mid-request legitimately causes one. The histories above prove no instance ended twice.
            int finishedAgain = hosts.SelectMany(h => h.FinishedInstances).GroupBy(id => id).Sum(g => g.Count() - 1);
            string perHost = string.Join(", ", hosts.Select(h => $"{h.Name}{(h.Killed ? " (killed)" : string.Empty)}: {h.WorkItems}"));
            string report = $"{Flows} flows on 3 hosts; work items (orchestration episodes + activity executions) per host: {perHost}; " +
                $"SMS sent: {twilio.MessageCount} (more than {Flows} means activities re-ran after the kill); " +
                $"episodes that found their instance already finished: {finishedAgain}.";
            this.output.WriteLine(report);
            Console.WriteLine(report);

            // dotnet test shows a passing test's output only at detailed verbosity; .ci/run prints this file after the run.
            await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "multihost-report.txt"), $"Multi-host on PostgreSQL:{Environment.NewLine}  {report}{Environment.NewLine}");
            Assert.True(victim.Killed, "host-3 was never killed: the run did not reach 30 % answered");
            Assert.True(problems.IsEmpty, $"{problems.Count} flow(s) ended wrong:\n{string.Join('\n', problems.Take(20))}");
            Assert.Equal(0, completedTwice);
            Assert.All(hosts, h => Assert.True(h.WorkItems > 0, $"{h.Name} ran no work item: the work was not shared"));
        }
        finally
        {
            foreach (NamedHost host in hosts)
            {
                host.Dispose();
            }

            Directory.Delete(appFolder, recursive: true);
        }
    }

    private static Dictionary<string, string> HostEnvironment(string connectionString, string twilioUrl) => new()
    {
        ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
        ["AzureFunctionsJobHost__extensions__durableTask__hubName"] = Hub,
        ["AzureFunctionsJobHost__extensions__durableTask__storageProvider__type"] = "postgres",
        ["AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName"] = "DurablePostgres",
        ["DurablePostgres"] = connectionString,
        ["SmsChallengeTimeoutSeconds"] = "180",
        ["TwilioAccountSid"] = "AC0123456789abcdef0123456789abcdef",
        ["TwilioAuthToken"] = "test-auth-token",
        ["TwilioPhoneNumber"] = "+15005550006",
        ["TwilioApiBaseUrl"] = twilioUrl,

        // The engine's one line per finished instance, counted across hosts to prove none finished twice.
        ["AzureFunctionsJobHost__logging__logLevel__Durable.Core"] = "Information",
        ["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ",
    };

    private static string NewAppFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"multihost-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "PhoneVerification.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("PhoneVerification.sln not found above the test binaries.");
        }

        File.Copy(Path.Combine(root, "host.json"), Path.Combine(folder, "host.json"));
        return folder;
    }

    /// <summary>The host at <paramref name="index"/> (mod 3), or the next one still alive.</summary>
    private static NamedHost Pick(List<NamedHost> hosts, int index)
    {
        for (int i = 0; i < hosts.Count; i++)
        {
            NamedHost host = hosts[(index + i) % hosts.Count];
            if (!host.Killed)
            {
                return host;
            }
        }

        throw new InvalidOperationException("No host is alive.");
    }

    private static async Task ForEachAsync(IEnumerable<Flow> flows, Func<Flow, Task> body) =>
        await Parallel.ForEachAsync(flows, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (f, _) => await body(f));

    /// <summary>A request to the flow's host for this step, moved to the next live host when that one is gone.</summary>
    private static async Task<HttpResponseMessage> SendAsync(List<NamedHost> hosts, int index, Func<NamedHost, HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        while (true)
        {
            NamedHost host = Pick(hosts, index);
            try
            {
                return await host.Client.SendAsync(request(host), cancellationToken);
            }
            catch (HttpRequestException) when (host.Killed)
            {
                // Killed while this request was in flight: the next live host serves the same instance.
            }
        }
    }

    private static async Task<JsonElement> GetStatusAsync(NamedHost host, Flow flow, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await host.Client.GetAsync($"/runtime/webhooks/durabletask/instances/{flow.Id}?showHistory=true", cancellationToken);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
    }

    private async Task StartAsync(Flow flow, List<NamedHost> hosts, CancellationToken cancellationToken)
    {
        // Starts finish before any host is killed, so a start is never retried (a retry could start a second instance).
        NamedHost host = Pick(hosts, flow.Index);
        using HttpResponseMessage response = await host.Client.PostAsync(
            "/orchestrators/E4_SmsPhoneVerification", new StringContent($"\"{flow.Phone}\"", Encoding.UTF8, "application/json"), cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"start on {host.Name}: {(int)response.StatusCode} {body}");
        flow.Id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    private async Task AnswerAsync(Flow flow, List<NamedHost> hosts, FakeTwilio twilio, CompletionWatcher completed, CancellationToken cancellationToken, Action firstAnswer)
    {
        Task done = completed.WhenCompleted(flow.Id);
        int seen = 0;
        bool counted = false;
        while (!done.IsCompleted)
        {
            // The newest code texted to this phone is the one the instance holds: an activity re-run after the kill
            // texts a new code, and only the re-run's result can be committed (the dead host lost its lease).
            await Task.WhenAny(done, twilio.WhenMoreThanAsync(flow.Phone, seen)).WaitAsync(cancellationToken);
            IReadOnlyList<string> codes = twilio.CodesFor(flow.Phone);
            if (done.IsCompleted || codes.Count == seen)
            {
                continue;
            }

            seen = codes.Count;
            int right = int.Parse(codes[^1], CultureInfo.InvariantCulture);
            IEnumerable<int> answers = flow.ExpectVerified ? [right] : Enumerable.Range(1, 4).Select(n => (right + n) % 10000);
            foreach (int answer in answers)
            {
                using HttpResponseMessage raised = await SendAsync(
                    hosts,
                    flow.Index + 1,
                    h => new HttpRequestMessage(HttpMethod.Post, $"/runtime/webhooks/durabletask/instances/{flow.Id}/raiseEvent/SmsChallengeResponse")
                    {
                        Content = new StringContent(answer.ToString(CultureInfo.InvariantCulture), Encoding.UTF8, "application/json"),
                    },
                    cancellationToken);

                // 410: the instance finished meanwhile (a re-sent answer after a kill); anything else must be 202.
                Assert.True(raised.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Gone, $"raise for {flow.Id}: {(int)raised.StatusCode}");
            }

            if (!counted)
            {
                counted = true;
                firstAnswer();
            }
        }
    }

    private sealed record Flow(int Index, string Phone, bool ExpectVerified)
    {
        public string Id { get; set; } = string.Empty;
    }

    /// <summary>
    /// Lists the hub's finished instances (Completed, and Failed or Terminated so a wrong end is reported at once rather
    /// than at the deadline) once a second on a live host, and completes each waiter once its instance is done.
    /// </summary>
    private sealed class CompletionWatcher : IDisposable
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> waiters = new(StringComparer.Ordinal);
        private readonly CancellationTokenSource stop;
        private readonly Task loop;

        public CompletionWatcher(List<NamedHost> hosts, CancellationToken cancellationToken)
        {
            this.stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            this.loop = Task.Run(() => this.RunAsync(hosts, this.stop.Token));
        }

        public Task WhenCompleted(string instanceId) =>
            this.waiters.GetOrAdd(instanceId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public void Dispose()
        {
            this.stop.Cancel();
            try
            {
                this.loop.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
            }

            this.stop.Dispose();
        }

        private async Task RunAsync(List<NamedHost> hosts, CancellationToken cancellationToken)
        {
            int round = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                string? continuation = null;
                try
                {
                    do
                    {
                        using HttpRequestMessage request = new(HttpMethod.Get, "/runtime/webhooks/durabletask/instances?runtimeStatus=Completed,Failed,Terminated&top=500");
                        if (continuation is not null)
                        {
                            request.Headers.Add("x-ms-continuation-token", continuation);
                        }

                        using HttpResponseMessage response = await Pick(hosts, round++).Client.SendAsync(request, cancellationToken);
                        foreach (JsonElement instance in JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.EnumerateArray())
                        {
                            string id = instance.GetProperty("instanceId").GetString()!;
                            this.waiters.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                        }

                        continuation = response.Headers.TryGetValues("x-ms-continuation-token", out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
                    }
                    while (!string.IsNullOrEmpty(continuation));
                }
                catch (HttpRequestException)
                {
                    // The host picked this round was just killed: the next round asks another.
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }
}
