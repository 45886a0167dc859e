using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Durable.Testing.Twilio;

namespace PhoneVerification.LoadTest;

/// <summary>One run of the tool: sink, optional host, warm-up, measured flows, figures, one JSON line.</summary>
internal sealed class LoadRun
{
    private readonly LoadTestOptions options;
    private readonly TextWriter output;
    private readonly TextWriter statements;

    /// <param name="options">The parsed command line.</param>
    /// <param name="output">Figures, ending with the JSON line.</param>
    /// <param name="statements">Where <c>--pg-stat-statements</c> writes its table (stderr), apart from the figures.</param>
    public LoadRun(LoadTestOptions options, TextWriter output, TextWriter? statements = null)
    {
        this.options = options;
        this.output = output;
        this.statements = statements ?? output;
    }

    /// <summary>Runs and returns the figures (also printed, last as one JSON line).</summary>
    public async Task<JsonObject> RunAsync(CancellationToken cancellationToken)
    {
        LoadTestOptions o = this.options;
        // The sink is the tests' fake Twilio: any credentials (a host started by the user has its own), no request log.
        await using FakeTwilioServer sink = FakeTwilioServer.Start(authToken: null, port: o.SinkPort, recordRequests: false);
        using HttpClient client = new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            AllowAutoRedirect = false,
        })
        { Timeout = TimeSpan.FromSeconds(120) };
        if (o.Key is not null)
        {
            client.DefaultRequestHeaders.Add("x-functions-key", o.Key);
        }

        if (o.StartHost && o.ToolWarmupTime > TimeSpan.Zero)
        {
            int rounds = await ToolWarmup.RunAsync(client, sink, o.ToolWarmupTime, o.Concurrency, cancellationToken).ConfigureAwait(false);
            this.output.WriteLine($"tool warm-up: {rounds} rounds in {o.ToolWarmupTime.TotalSeconds:0.#} s, before the host was spawned");
        }

        await using LoadTarget target = await LoadTarget.StartAsync(o, sink, client, this.output).ConfigureAwait(false);
        Uri baseUrl = target.BaseUrls[0];
        int? pid = target.Pids[0];
        string? db = target.DatabasePath;
        VerificationFlow flow = new(client, sink, o, target.BaseUrls);
        string phonePrefix = "+1" + Random.Shared.Next(200, 999).ToString(CultureInfo.InvariantCulture);
        int next = 0;
        string NextPhone() => phonePrefix + Interlocked.Increment(ref next).ToString("0000000", CultureInfo.InvariantCulture);

        int warmed = 0;
        Stopwatch warming = Stopwatch.StartNew();
        if (o.EffectiveWarmup > 0 || o.WarmupTime > TimeSpan.Zero)
        {
            // Rounds of the same flows until both the count and the time are reached: a host's first seconds are
            // spent compiling (tiered JIT), which a steady-state figure should not include.
            int warmedOk = 0;
            do
            {
                int round = o.EffectiveWarmup > warmed ? o.EffectiveWarmup - warmed : Math.Max(o.Concurrency * 4, 100);
                List<FlowResult> warm = await RunFlowsAsync(flow, round, o.Concurrency, NextPhone, cancellationToken).ConfigureAwait(false);
                warmed += warm.Count;
                warmedOk += warm.Count(r => r.Error is null);
            }
            while (warmed < o.EffectiveWarmup || warming.Elapsed < o.WarmupTime);

            this.output.WriteLine($"warm-up: {warmedOk}/{warmed} flows ok in {warming.Elapsed.TotalSeconds:0.0} s");
        }

        TimeSpan warmupTook = warming.Elapsed;
        if (o.PgStatStatements)
        {
            await target.Postgres!.ResetStatementsAsync().ConfigureAwait(false);
        }

        string loadBefore = HostMetrics.LoadAverages();
        long? storeBefore = HostMetrics.StoreBytes(db);
        HostSpread spread = await HostSpread.BeginAsync(client, target.BaseUrls, target.Pids, cancellationToken).ConfigureAwait(false);
        TimeSpan? dbCpuBefore = target.Postgres?.CpuTime();
        TimeSpan toolCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        EventFlood? flood = null;
        if (o.FloodEvents > 0)
        {
            flood = new EventFlood(client, sink, o, baseUrl);
            await flood.PrepareAsync(NextPhone(), cancellationToken).ConfigureAwait(false);
        }

        Stopwatch clock = Stopwatch.StartNew();
        Task<List<FlowResult>> running = RunFlowsAsync(flow, o.Flows, o.Concurrency, NextPhone, cancellationToken);
        Task<JsonObject>? flooding = flood?.RunAsync(pid, running, cancellationToken);
        List<FlowResult> results = await running.ConfigureAwait(false);
        TimeSpan elapsed = clock.Elapsed;
        JsonObject? floodFigures = flooding is null ? null : await flooding.ConfigureAwait(false);
        string loadAfter = HostMetrics.LoadAverages();

        TimeSpan? dbCpu = target.Postgres?.CpuTime() - dbCpuBefore;
        TimeSpan toolCpu = Process.GetCurrentProcess().TotalProcessorTime - toolCpuBefore;
        JsonArray perHost = await spread.EndAsync(client, o.Flows, this.output, cancellationToken).ConfigureAwait(false);
        JsonObject figures = this.Summarize(results, elapsed, warmed, loadBefore, loadAfter);
        figures["warmupElapsedS"] = Math.Round(warmupTook.TotalSeconds, 3);
        figures["toolWarmupS"] = o.StartHost ? o.ToolWarmupTime.TotalSeconds : 0;
        figures["hostCpuMsPerFlow"] = spread.TotalCpuMsPerFlow;
        figures["dbCpuMsPerFlow"] = dbCpu is { } d ? Math.Round(d.TotalMilliseconds / o.Flows, 2) : null;
        figures["toolCpuMsPerFlow"] = Math.Round(toolCpu.TotalMilliseconds / o.Flows, 2);
        figures["storeKind"] = o.Store.ToString().ToLowerInvariant();
        figures["hosts"] = target.BaseUrls.Count;
        figures["crossHost"] = o.CrossHost;
        figures["perHost"] = perHost;
        if (target.Started.Count > 0 && flow.FirstAcceptedAt is long accepted)
        {
            // Cold start as a client sees it: spawn to the first answer, and to the first verification accepted
            // (with --warmup 0 the measured flows begin the moment the host serves).
            TimeSpan firstAccepted = Stopwatch.GetElapsedTime(target.Started[0].SpawnedAt, accepted);
            figures["hostServingMs"] = Math.Round(target.FirstServing!.Value.TotalMilliseconds, 0);
            figures["firstAcceptedMs"] = Math.Round(firstAccepted.TotalMilliseconds, 0);
            figures["hostCpuAtServingMs"] = target.FirstServingCpu is { } cpu ? Math.Round(cpu.TotalMilliseconds, 0) : null;
            this.output.WriteLine($"cold start: serving {target.FirstServing.Value.TotalMilliseconds:0} ms (host CPU {target.FirstServingCpu?.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) ?? "n/a"} ms), first 202 to a start {firstAccepted.TotalMilliseconds:0} ms after spawn");
        }

        this.output.WriteLine($"CPU per flow: host{(target.BaseUrls.Count > 1 ? "s together" : string.Empty)} {figures["hostCpuMsPerFlow"]?.ToString() ?? "n/a"} ms, database {figures["dbCpuMsPerFlow"]?.ToString() ?? "n/a"} ms, tool {figures["toolCpuMsPerFlow"]} ms");
        if (o.PgStatStatements)
        {
            figures["pgStatements"] = await target.Postgres!.ReportStatementsAsync(o.Flows, this.statements).ConfigureAwait(false);
        }

        if (o.Mode == FlowMode.Idle)
        {
            // Let the last timers and status writes land before sizing the host.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            int waiting = results.Count(r => r.Error is null);
            double? rss = HostMetrics.RssMegabytes(pid);
            long? store = HostMetrics.StoreBytes(db);
            figures["hostRssMb"] = rss;
            figures["storeBytes"] = store;
            figures["storeBytesBeforeRun"] = storeBefore;
            figures["storeBytesPerWaiting"] = store is { } s && waiting > 0 ? Math.Round((double)(s - (storeBefore ?? 0)) / waiting, 1) : null;
            this.output.WriteLine($"waiting instances: {waiting}; host RSS {rss?.ToString("0.0", CultureInfo.InvariantCulture) ?? "n/a"} MB; store {store?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} bytes ({figures["storeBytesPerWaiting"]} bytes per waiting instance, growth during the run)");
            if (o.Restart && target.Started.Count > 0)
            {
                await this.RestartAsync(target.Started[0], client, results.First(r => r.Error is null), figures, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            figures["hostRssMb"] = HostMetrics.RssMegabytes(pid);
            figures["storeBytes"] = HostMetrics.StoreBytes(db);
        }

        if (floodFigures is not null)
        {
            figures["flood"] = floodFigures;
            this.output.WriteLine($"flood: {floodFigures.ToJsonString()}");
        }

        figures["sinkMessages"] = sink.AcceptedTotal;
        this.output.WriteLine(figures.ToJsonString());
        return figures;
    }

    private static async Task<List<FlowResult>> RunFlowsAsync(VerificationFlow flow, int count, int concurrency, Func<string> nextPhone, CancellationToken cancellationToken)
    {
        List<FlowResult> results = new(count);
        int remaining = count;
        async Task WorkerAsync()
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                FlowResult result;
                try
                {
                    result = await flow.RunAsync(nextPhone(), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
                {
                    result = new FlowResult(string.Empty, null, ex.GetType().Name + ": " + ex.Message, TimeSpan.Zero, null, null, null, null);
                }

                lock (results)
                {
                    results.Add(result);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(count, concurrency)).Select(_ => Task.Run(WorkerAsync, cancellationToken))).ConfigureAwait(false);
        return results;
    }

    /// <summary>The most timers due within any one second (how bunched the timer load was).</summary>
    private static int MaxDueWithinOneSecond(IEnumerable<DateTimeOffset> dues)
    {
        DateTimeOffset[] sorted = [.. dues.Order()];
        int best = 0;
        for (int lo = 0, hi = 0; hi < sorted.Length; hi++)
        {
            while (sorted[hi] - sorted[lo] >= TimeSpan.FromSeconds(1))
            {
                lo++;
            }

            best = Math.Max(best, hi - lo + 1);
        }

        return best;
    }

    private static JsonNode? ToJson(Percentiles? p) =>
        p is null ? null : new JsonObject { ["p50"] = p.P50, ["p95"] = p.P95, ["p99"] = p.P99, ["max"] = p.Max, ["n"] = p.Count };

    private JsonObject Summarize(List<FlowResult> results, TimeSpan elapsed, int warmed, string loadBefore, string loadAfter)
    {
        LoadTestOptions o = this.options;
        List<FlowResult> ok = [.. results.Where(r => r.Error is null)];
        Percentiles? start = Percentiles.Of(ok.Select(r => r.StartTo202));
        Percentiles? raise = Percentiles.Of(ok.Where(r => r.RaiseToCompleted is not null).Select(r => r.RaiseToCompleted!.Value));
        Percentiles? whole = Percentiles.Of(ok.Where(r => r.Whole is not null).Select(r => r.Whole!.Value));
        Percentiles? lateness = Percentiles.Of(ok.Where(r => r.TimerLateness is not null).Select(r => r.TimerLateness!.Value));
        double rate = Math.Round(ok.Count / elapsed.TotalSeconds, 1);

        this.output.WriteLine($"mode {o.Mode.ToString().ToLowerInvariant()}, {o.Flows} flows at concurrency {o.Concurrency}: {ok.Count} ok, {results.Count - ok.Count} failed in {elapsed.TotalSeconds:0.00} s");
        this.output.WriteLine($"{(o.Mode == FlowMode.Idle ? "started" : "completed")} flows/s: {rate:0.0}");
        this.output.WriteLine($"start -> 202:               {start?.ToString() ?? "n/a"}");
        this.output.WriteLine($"raiseEvent -> Completed:    {raise?.ToString() ?? "n/a"}  (polled every {o.PollInterval.TotalMilliseconds:0} ms)");
        this.output.WriteLine($"whole flow:                 {whole?.ToString() ?? "n/a"}");
        this.output.WriteLine($"timer lateness after due:   {lateness?.ToString() ?? "n/a"}");
        this.output.WriteLine($"load average before/after:  {loadBefore} / {loadAfter}");
        foreach (string error in results.Where(r => r.Error is not null).Select(r => r.Error!).Distinct().Take(5))
        {
            this.output.WriteLine($"failure: {error}");
        }

        JsonObject json = new()
        {
            ["tool"] = "PhoneVerification.LoadTest",
            ["label"] = o.Label,
            ["mode"] = o.Mode.ToString().ToLowerInvariant(),
            ["flows"] = o.Flows,
            ["concurrency"] = o.Concurrency,
            ["warmup"] = warmed,
            ["warmupSeconds"] = o.WarmupTime.TotalSeconds,
            ["k"] = o.Mode == FlowMode.Wrong ? o.WrongAnswers : null,
            ["pollMs"] = o.PollInterval.TotalMilliseconds,
            ["ok"] = ok.Count,
            ["failed"] = results.Count - ok.Count,
            ["outputTrue"] = ok.Count(r => r.Output == true),
            ["outputFalse"] = ok.Count(r => r.Output == false),
            ["elapsedS"] = Math.Round(elapsed.TotalSeconds, 3),
            ["flowsPerSecond"] = rate,
            ["startTo202Ms"] = ToJson(start),
            ["raiseToCompletedMs"] = ToJson(raise),
            ["flowMs"] = ToJson(whole),
            ["timerLatenessMs"] = ToJson(lateness),
            ["timersDueMaxPerSecond"] = lateness is null ? null : MaxDueWithinOneSecond(ok.Where(r => r.TimerDue is not null).Select(r => r.TimerDue!.Value)),
            ["loadBefore"] = loadBefore,
            ["loadAfter"] = loadAfter,
            ["utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        return json;
    }

    /// <summary>Stops the host cleanly, starts it on the same file, and times spawn → a waiting instance's status answered.</summary>
    private async Task RestartAsync(LoadHost host, HttpClient client, FlowResult sample, JsonObject figures, CancellationToken cancellationToken)
    {
        await host.StopAsync().ConfigureAwait(false);
        Stopwatch clock = Stopwatch.StartNew();
        TimeSpan listening = await host.StartAsync(client).ConfigureAwait(false);
        Uri status = new(host.BaseUrl, $"runtime/webhooks/durabletask/instances/{sample.InstanceId}");
        HttpStatusCode code;
        do
        {
            using HttpResponseMessage response = await client.GetAsync(status, cancellationToken).ConfigureAwait(false);
            code = response.StatusCode;
        }
        while (code != HttpStatusCode.Accepted && clock.Elapsed < TimeSpan.FromSeconds(60));

        TimeSpan serving = clock.Elapsed;
        int running = await CountRunningAsync(client, host.BaseUrl, cancellationToken).ConfigureAwait(false);
        figures["restartListeningMs"] = Math.Round(listening.TotalMilliseconds, 0);
        figures["restartServingMs"] = Math.Round(serving.TotalMilliseconds, 0);
        figures["runningAfterRestart"] = running;
        figures["hostRssAfterRestartMb"] = HostMetrics.RssMegabytes(host.Pid);
        this.output.WriteLine($"restart: answering after {listening.TotalMilliseconds:0} ms, a waiting instance's status 202 after {serving.TotalMilliseconds:0} ms; Running instances listed: {running}");
    }

    private static async Task<int> CountRunningAsync(HttpClient client, Uri baseUrl, CancellationToken cancellationToken)
    {
        int count = 0;
        string? token = null;
        do
        {
            using HttpRequestMessage request = new(HttpMethod.Get, new Uri(baseUrl, "runtime/webhooks/durabletask/instances?runtimeStatus=Running&top=1000&showInput=false"));
            if (token is not null)
            {
                request.Headers.Add("x-ms-continuation-token", token);
            }

            using HttpResponseMessage response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            using JsonDocument page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            count += page.RootElement.GetArrayLength();
            token = response.Headers.TryGetValues("x-ms-continuation-token", out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
        }
        while (!string.IsNullOrEmpty(token));

        return count;
    }
}
