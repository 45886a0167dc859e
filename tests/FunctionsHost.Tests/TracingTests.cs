using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json.Linq;
using OpenTelemetry.Trace;

namespace FunctionsHost.Tests;

/// <summary>
/// Traces of the real host, collected with OpenTelemetry's in-memory exporter: one verification is one trace, from the
/// HttpStart request through every episode, the SMS activity and its Twilio call, each answer, to completion, also when
/// the host restarts mid-flow. Spans of other tests' hosts may land in the list too (listeners are process-wide), so every
/// lookup goes by instance id or parentage; the lists are read only after the hosts are disposed (exporters stopped).
/// </summary>
public sealed class TracingTests
{
    private const string Orchestration = "orchestration:E4_SmsPhoneVerification";

    [Fact]
    public async Task Verification_Traced_OneTraceFromRequestThroughEpisodesActivityTwilioAndEventsToCompletion()
    {
        // Arrange: Production, texting through a fake Twilio on loopback.
        List<Activity> spans = [];
        List<Dictionary<string, string>> texts = [];
        await using WebApplication twilio = await StartFakeTwilioAsync(texts);
        TestHost host = await TestHost.StartAsync(
            environmentName: "Production",
            settings: ProductionSettings.With(("TwilioApiBaseUrl", twilio.Urls.First())),
            configure: o => o.ConfigureTracing = t => t.AddInMemoryExporter(spans));
        TestKeys keys = TestKeys.Read(host);
        string phone = TestHost.NewPhoneNumber();
        string code;
        string id;

        // Act
        try
        {
            host.Client.DefaultRequestHeaders.Add("x-functions-key", keys.HttpStart);
            JObject payload = await host.StartVerificationAsync(phone);
            id = (string)payload["id"]!;
            code = await WaitForCodeAsync(texts, phone);
            await host.AnswerCodeAsync(payload, code);
            Assert.True((bool)(await host.WaitForEndAsync(payload)).Body["output"]!);
        }
        finally
        {
            await host.DisposeAsync();
        }

        // Assert: the start span hangs under the HttpStart request; every episode under the start span.
        Activity create = Assert.Single(spans, s => s.DisplayName == "create_orchestration:E4_SmsPhoneVerification" && Is(s, id));
        Activity request = Assert.Single(spans, s => s.SpanId == create.ParentSpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal("/orchestrators/{functionName}", request.GetTagItem("http.route"));
        List<Activity> episodes = [.. spans.Where(s => s.DisplayName == Orchestration && Is(s, id))];
        // At least the start's episode and the last; the activity's result and the answer may share one episode.
        Assert.True(episodes.Count >= 2, $"{episodes.Count} episode span(s)");
        Assert.All(episodes, e => Assert.Equal((create.TraceId, create.SpanId), (e.TraceId, e.ParentSpanId)));

        // The SMS activity under the episode that scheduled it, the Twilio call under the activity.
        Activity activity = Assert.Single(spans, s => s.DisplayName == "activity:E4_SendSmsChallenge" && Is(s, id));
        Assert.Contains(episodes, e => e.SpanId == activity.ParentSpanId);
        Assert.Equal(1, activity.GetTagItem("durable.attempt"));
        // Every run first asks Twilio's list whether its SMS already went out (GET), then sends it (POST).
        Activity twilioCall = Assert.Single(
            spans, s => s.Kind == ActivityKind.Client && s.ParentSpanId == activity.SpanId && (string?)s.GetTagItem("http.request.method") == "POST");
        Assert.Contains("/Messages.json", (string?)twilioCall.GetTagItem("url.full"), StringComparison.Ordinal);

        // The answer: a span under the episode that took it, linked to the raiseEvent call's span.
        Activity raise = Assert.Single(spans, s => s.DisplayName == "raise_event:SmsChallengeResponse" && Is(s, id));
        Activity answer = Assert.Single(spans, s => s.DisplayName == "orchestration_event:SmsChallengeResponse" && Is(s, id));
        Assert.Contains(episodes, e => e.SpanId == answer.ParentSpanId);
        Assert.Equal(raise.SpanId, Assert.Single(answer.Links).Context.SpanId);

        // Completion: the last episode says Completed and the outcome.
        Activity final = Assert.Single(episodes, e => (string?)e.GetTagItem("durable.runtime_status") == "Completed");
        Assert.Equal("verified", final.GetTagItem("verification.outcome"));
        Assert.Contains(final.Events, e => e.Name == "completed");

        // No phone number, code or key in any attribute of either trace.
        string[] secrets = [phone, phone[^7..], keys.Master, keys.System, keys.HttpStart, keys.HostFunction];
        foreach (Activity span in spans.Where(s => s.TraceId == create.TraceId || s.TraceId == raise.TraceId))
        {
            foreach (KeyValuePair<string, object?> tag in span.TagObjects)
            {
                string value = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
                Assert.DoesNotContain(secrets, s => value.Contains(s, StringComparison.Ordinal));
                Assert.NotEqual(code, value);
            }
        }
    }

    [Fact]
    public async Task Verification_HostRestartedMidFlow_NextHostContinuesTheSameTrace()
    {
        // Arrange: two hosts, one after the other, on one SQLite file.
        string database = Path.Combine(Path.GetTempPath(), "tracing-restart-" + Guid.NewGuid().ToString("N") + ".db");
        Dictionary<string, string?> settings = new() { ["AzureFunctionsJobHost:extensions:durableTask:storageProvider:databasePath"] = database };
        List<Activity> first = [];
        List<Activity> second = [];
        string phone = TestHost.NewPhoneNumber();
        string id;

        try
        {
            // Act: the first host starts the verification and texts the code, then stops while the flow waits.
            TestHost before = await TestHost.StartAsync(timeoutSeconds: 300, settings: settings, configure: o => o.ConfigureTracing = t => t.AddInMemoryExporter(first));
            JObject payload;
            string code;
            string oldBase;
            try
            {
                payload = await before.StartVerificationAsync(phone);
                id = (string)payload["id"]!;
                code = await before.ReadCodeAsync(phone);
                await before.WaitForTimerAsync(id);
                oldBase = before.Client.BaseAddress!.ToString().TrimEnd('/');
            }
            finally
            {
                await before.DisposeAsync();
            }

            // The second host takes the answer and completes the flow.
            TestHost after = await TestHost.StartAsync(timeoutSeconds: 300, settings: settings, configure: o => o.ConfigureTracing = t => t.AddInMemoryExporter(second));
            try
            {
                JObject moved = JObject.Parse(payload.ToString().Replace(oldBase, after.Client.BaseAddress!.ToString().TrimEnd('/'), StringComparison.Ordinal));
                await after.AnswerCodeAsync(moved, code);
                (HttpStatusCode status, JObject ended) = await after.WaitForEndAsync(moved);
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.True((bool)ended["output"]!);
            }
            finally
            {
                await after.DisposeAsync();
            }
        }
        finally
        {
            foreach (string file in new[] { database, database + "-wal", database + "-shm" }.Where(File.Exists))
            {
                File.Delete(file);
            }
        }

        // Assert: the second host's episodes join the trace the first host's start began, under its start span.
        Activity create = Assert.Single(first, s => s.DisplayName == "create_orchestration:E4_SmsPhoneVerification" && Is(s, id));
        Activity activity = Assert.Single(first, s => s.DisplayName == "activity:E4_SendSmsChallenge" && Is(s, id));
        Assert.Contains(first, s => s.DisplayName == Orchestration && Is(s, id) && s.SpanId == activity.ParentSpanId);
        List<Activity> resumed = [.. second.Where(s => s.DisplayName == Orchestration && Is(s, id))];
        Assert.NotEmpty(resumed);
        Assert.All(resumed, e => Assert.Equal((create.TraceId, create.SpanId), (e.TraceId, e.ParentSpanId)));
        Activity final = Assert.Single(resumed, e => (string?)e.GetTagItem("durable.runtime_status") == "Completed");
        Assert.Equal("verified", final.GetTagItem("verification.outcome"));
        Activity answer = Assert.Single(second, s => s.DisplayName == "orchestration_event:SmsChallengeResponse" && Is(s, id));
        Assert.Equal(create.TraceId, answer.TraceId);
    }

    private static bool Is(Activity span, string instanceId) => (string?)span.GetTagItem("durable.instance_id") == instanceId;

    private static async Task<WebApplication> StartFakeTwilioAsync(List<Dictionary<string, string>> texts)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication twilio = builder.Build();
        twilio.MapPost("/2010-04-01/Accounts/{sid}/Messages.json", async (HttpContext context) =>
        {
            IFormCollection form = await context.Request.ReadFormAsync();
            lock (texts)
            {
                texts.Add(form.ToDictionary(f => f.Key, f => f.Value.ToString()));
            }

            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsJsonAsync(new { sid = "SM0123456789abcdef0123456789abcdef", status = "queued" });
        });
        await twilio.StartAsync();
        return twilio;
    }

    private static async Task<string> WaitForCodeAsync(List<Dictionary<string, string>> texts, string phone)
    {
        for (int i = 0; i < 600; i++)
        {
            lock (texts)
            {
                if (texts.FirstOrDefault(t => t["To"] == phone) is { } text)
                {
                    return text["Body"][^4..];
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("No SMS reached the fake Twilio.");
    }
}
