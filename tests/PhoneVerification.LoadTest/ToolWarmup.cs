using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Durable.Testing.Twilio;

namespace PhoneVerification.LoadTest;

/// <summary>
/// Warms the tool's own code before it spawns a host, so a cold-start run measures a cold host, not a cold tool. The
/// tool shares the machine's two cores with the host: cold, it spent about 2 ms of CPU per flow in the first 1,000
/// flows (0.4 ms warm), compiling its HTTP client, the sink and JSON parsing, which a client on another machine would
/// not take from the host. Each round here is a flow's work on the tool's side without a host: an SMS through the sink
/// (its listener and parser, and the client's POST), waiting for it, and the start, answer and status bodies parsed as
/// a flow parses them; for long enough that the hot methods reach their optimized tier.
/// </summary>
internal static class ToolWarmup
{
    private const string StartBody = """{"id":"abc","statusQueryGetUri":"http://127.0.0.1:1/runtime/webhooks/durabletask/instances/abc?code=k","sendEventPostUri":"http://127.0.0.1:1/runtime/webhooks/durabletask/instances/abc/raiseEvent/{eventName}?code=k"}""";
    private const string StatusBody = """{"name":"E4_SmsPhoneVerification","instanceId":"abc","runtimeStatus":"Completed","input":"+15550000000","customStatus":null,"output":true,"createdTime":"2026-12-07T00:00:00Z","lastUpdatedTime":"2026-12-07T00:00:01Z"}""";

    /// <summary>Runs rounds on <paramref name="workers"/> loops until <paramref name="duration"/> has passed.</summary>
    /// <returns>How many rounds ran.</returns>
    public static async Task<int> RunAsync(HttpClient client, FakeTwilioServer sink, TimeSpan duration, int workers, CancellationToken cancellationToken)
    {
        Uri messages = new(sink.BaseUrl, $"2010-04-01/Accounts/{FakeTwilioServer.AccountSid}/Messages.json");
        string auth = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{FakeTwilioServer.AccountSid}:warm-up"));
        Stopwatch elapsed = Stopwatch.StartNew();
        int rounds = 0;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
        {
            for (int i = 0; elapsed.Elapsed < duration; i++)
            {
                string phone = string.Create(CultureInfo.InvariantCulture, $"+1999{worker:000}{i:0000000}");
                await RoundAsync(client, sink, messages, auth, phone, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref rounds);
            }
        })).ConfigureAwait(false);
        return rounds;
    }

    private static async Task RoundAsync(HttpClient client, FakeTwilioServer sink, Uri messages, string auth, string phone, CancellationToken cancellationToken)
    {
        Task<FakeTwilioMessage> sms = sink.WhenAcceptedAsync(phone);
        try
        {
            using HttpRequestMessage send = new(HttpMethod.Post, messages)
            {
                Content = new FormUrlEncodedContent([new("To", phone), new("From", "+15550000000"), new("Body", "Your verification code is 1234")]),
            };
            send.Headers.Authorization = new("Basic", auth);
            using HttpResponseMessage sent = await client.SendAsync(send, cancellationToken).ConfigureAwait(false);
            if (sent.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"the sink answered the warm-up's send with {(int)sent.StatusCode}");
            }

            FakeTwilioMessage message = await sms.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            _ = int.Parse(message.Code, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        finally
        {
            sink.Forget(phone);
        }

        using JsonDocument links = JsonDocument.Parse(StartBody);
        _ = new Uri(links.RootElement.GetProperty("sendEventPostUri").GetString()!.Replace("{eventName}", "SmsChallengeResponse", StringComparison.Ordinal));
        using JsonDocument status = JsonDocument.Parse(StatusBody);
        _ = status.RootElement.GetProperty("runtimeStatus").GetString() == "Completed" && status.RootElement.GetProperty("output").GetBoolean();
    }
}
