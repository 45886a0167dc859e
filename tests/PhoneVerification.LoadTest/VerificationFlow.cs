using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Durable.Testing.Twilio;

namespace PhoneVerification.LoadTest;

/// <summary>What one flow measured. Times are from <see cref="Stopwatch"/> on the tool's side.</summary>
internal sealed record FlowResult(
    string InstanceId,
    bool? Output,
    string? Error,
    TimeSpan StartTo202,
    TimeSpan? RaiseToCompleted,
    TimeSpan? Whole,
    DateTimeOffset? TimerDue,
    TimeSpan? TimerLateness);

/// <summary>
/// One simulated user, over the sample's HTTP contract only. With several hosts each flow starts on the next host in
/// turn; its answer and status polls go to the URLs the 202 returned (that host), or with <c>--cross-host</c> to the
/// next host and the one after, as a client behind a load balancer would.
/// </summary>
internal sealed class VerificationFlow
{
    private const string EventName = "SmsChallengeResponse";
    private static readonly TimeSpan CodeDeadline = TimeSpan.FromSeconds(60);
    private readonly HttpClient client;
    private readonly FakeTwilioServer sink;
    private readonly LoadTestOptions options;
    private readonly IReadOnlyList<Uri> hosts;
    private long firstAccepted;
    private int started = -1;

    public VerificationFlow(HttpClient client, FakeTwilioServer sink, LoadTestOptions options, IReadOnlyList<Uri> hosts)
    {
        this.client = client;
        this.sink = sink;
        this.options = options;
        this.hosts = hosts;
    }

    /// <summary>The same link on another host (same path and query: every host serves every instance).</summary>
    internal static Uri OnHost(Uri link, Uri host) => new UriBuilder(link) { Scheme = host.Scheme, Host = host.Host, Port = host.Port }.Uri;

    /// <summary>The <see cref="Stopwatch"/> timestamp of the first 202 to a start; null before one came.</summary>
    public long? FirstAcceptedAt => Interlocked.Read(ref this.firstAccepted) is long at and not 0 ? at : null;

    public async Task<FlowResult> RunAsync(string phone, CancellationToken cancellationToken)
    {
        Task<FakeTwilioMessage> sms = this.sink.WhenAcceptedAsync(phone);
        int turn = (int)((uint)Interlocked.Increment(ref this.started) % (uint)this.hosts.Count);
        Uri baseUrl = this.hosts[turn];
        long begin = Stopwatch.GetTimestamp();
        string startBody;
        using (StringContent content = Json($"\"{phone}\""))
        using (HttpResponseMessage started = await this.client.PostAsync(new Uri(baseUrl, "orchestrators/E4_SmsPhoneVerification"), content, cancellationToken).ConfigureAwait(false))
        {
            startBody = await started.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (started.StatusCode != HttpStatusCode.Accepted)
            {
                this.sink.Forget(phone);
                return Failed(string.Empty, $"start gave {(int)started.StatusCode}: {startBody}", Stopwatch.GetElapsedTime(begin));
            }
        }

        long accepted = Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref this.firstAccepted, accepted, 0);
        TimeSpan startTo202 = Stopwatch.GetElapsedTime(begin, accepted);
        using JsonDocument links = JsonDocument.Parse(startBody);
        string id = links.RootElement.GetProperty("id").GetString()!;
        Uri status = new(links.RootElement.GetProperty("statusQueryGetUri").GetString()!);
        Uri raise = new(links.RootElement.GetProperty("sendEventPostUri").GetString()!.Replace("{eventName}", EventName, StringComparison.Ordinal));
        if (this.options.CrossHost)
        {
            raise = OnHost(raise, this.hosts[(turn + 1) % this.hosts.Count]);
            status = OnHost(status, this.hosts[(turn + 2) % this.hosts.Count]);
        }

        int code;
        try
        {
            FakeTwilioMessage message = await sms.WaitAsync(CodeDeadline, cancellationToken).ConfigureAwait(false);
            if (!int.TryParse(message.Code, NumberStyles.None, CultureInfo.InvariantCulture, out code))
            {
                return Failed(id, "the SMS does not end in a 4-digit code", startTo202);
            }
        }
        catch (TimeoutException)
        {
            return Failed(id, "no SMS reached the sink within 60 s", startTo202);
        }
        finally
        {
            this.sink.Forget(phone);
        }

        switch (this.options.Mode)
        {
            case FlowMode.Idle:
                return new FlowResult(id, null, null, startTo202, null, null, null, null);
            case FlowMode.Timeout:
                return await this.AwaitTimeoutAsync(id, status, Stopwatch.GetTimestamp(), startTo202, cancellationToken).ConfigureAwait(false);
        }

        for (int i = 0; i < (this.options.Mode == FlowMode.Wrong ? this.options.WrongAnswers : 0); i++)
        {
            string? error = await this.AnswerAsync(raise, (code + 1 + i) % 10000, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return Failed(id, error, startTo202);
            }
        }

        long raised = Stopwatch.GetTimestamp();
        string? raiseError = await this.AnswerAsync(raise, code, cancellationToken).ConfigureAwait(false);
        if (raiseError is not null)
        {
            return Failed(id, raiseError, startTo202);
        }

        (bool? output, string? failure, _) = await this.PollUntilDoneAsync(status, cancellationToken).ConfigureAwait(false);
        long done = Stopwatch.GetTimestamp();
        return output == true
            ? new FlowResult(id, output, null, startTo202, Stopwatch.GetElapsedTime(raised, done), Stopwatch.GetElapsedTime(begin, done), null, null)
            : Failed(id, failure ?? $"output {output?.ToString() ?? "null"}, expected true", startTo202);
    }

    private static FlowResult Failed(string id, string error, TimeSpan startTo202) => new(id, null, error, startTo202, null, null, null, null);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>
    /// Timer lateness is read from the instance's own history rather than from polling: the final episode's
    /// ExecutionCompleted timestamp (the host's clock when it took up the fired timer) minus the timer's FireAt,
    /// both at 100 ns resolution. Polling would add up to one polling interval of error per flow and, with a
    /// thousand flows waiting, a thousand pollers would load the host it measures.
    /// </summary>
    private async Task<FlowResult> AwaitTimeoutAsync(string id, Uri status, long codeArrived, TimeSpan startTo202, CancellationToken cancellationToken)
    {
        // The timer starts in the episode right after the SMS went out, so nothing can end before the code's arrival
        // plus the window. Polling starts one second after that: the lateness comes from the history, and a thousand
        // pollers during the timer burst would load the host being measured. So the whole-flow time is not reported.
        TimeSpan rest = TimeSpan.FromSeconds(this.options.EffectiveWindowSeconds + 1) - Stopwatch.GetElapsedTime(codeArrived);
        await Task.Delay(rest > TimeSpan.Zero ? rest : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        (bool? output, string? failure, _) = await this.PollUntilDoneAsync(status, cancellationToken).ConfigureAwait(false);
        if (output != false)
        {
            return Failed(id, failure ?? $"output {output?.ToString() ?? "null"}, expected false", startTo202);
        }

        using HttpResponseMessage response = await this.client.GetAsync(new Uri(status + "&showHistory=true"), cancellationToken).ConfigureAwait(false);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        DateTimeOffset? fireAt = null;
        DateTimeOffset? completed = null;
        foreach (JsonElement e in body.RootElement.GetProperty("historyEvents").EnumerateArray())
        {
            string type = e.GetProperty("EventType").GetString()!;
            if (type == "TimerFired" || (type == "TimerCreated" && fireAt is null))
            {
                fireAt = ParseTime(e.GetProperty("FireAt").GetString()!);
            }
            else if (type == "ExecutionCompleted")
            {
                completed = ParseTime(e.GetProperty("Timestamp").GetString()!);
            }
        }

        return fireAt is { } due && completed is { } end
            ? new FlowResult(id, false, null, startTo202, null, null, due, end - due)
            : Failed(id, "history lacks TimerFired/ExecutionCompleted", startTo202);
    }

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private async Task<string?> AnswerAsync(Uri raise, int code, CancellationToken cancellationToken)
    {
        using StringContent content = Json(code.ToString(CultureInfo.InvariantCulture));
        using HttpResponseMessage response = await this.client.PostAsync(raise, content, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.Accepted
            ? null
            : $"raiseEvent gave {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}";
    }

    /// <summary>Polls the status URL at the fixed interval until it is no longer 202; returns the output.</summary>
    private async Task<(bool? Output, string? Failure, string Body)> PollUntilDoneAsync(Uri status, CancellationToken cancellationToken)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(this.options.EffectiveWindowSeconds + 60);
        while (true)
        {
            using HttpResponseMessage response = await this.client.GetAsync(status, cancellationToken).ConfigureAwait(false);
            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using JsonDocument body = JsonDocument.Parse(text);
                string runtimeStatus = body.RootElement.GetProperty("runtimeStatus").GetString()!;
                JsonElement output = body.RootElement.GetProperty("output");
                return runtimeStatus == "Completed" && output.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? (output.GetBoolean(), null, text)
                    : (null, $"ended {runtimeStatus}: {text}", text);
            }

            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                return (null, $"status gave {(int)response.StatusCode}: {text}", text);
            }

            if (DateTime.UtcNow > deadline)
            {
                return (null, "still running after the window plus 60 s", text);
            }

            await Task.Delay(this.options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
