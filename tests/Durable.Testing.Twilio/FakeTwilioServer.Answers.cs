using System.Globalization;
using System.Net;

namespace Durable.Testing.Twilio;

/// <summary>What the fake answers: sends (with their scripted faults), the message list, and Twilio-shaped JSON.</summary>
public sealed partial class FakeTwilioServer
{
    /// <summary>Answers one request; null means "close the connection without answering".</summary>
    private async Task<Response?> HandleAsync(FakeTwilioRequest request, CancellationToken stopping)
    {
        this.requests?.Enqueue(request);
        // Any prefix before /2010-04-01 is accepted: a base URL may carry a path (a fake mounted under /edge, say).
        if (!request.Path.Contains("/2010-04-01/Accounts/", StringComparison.Ordinal) || !request.Path.EndsWith("/Messages.json", StringComparison.Ordinal))
        {
            return Response.Json(404, """{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}""");
        }

        if (this.expectedAuthorization is { } expected ? request.Authorization != expected : !request.Authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return Response.Json(401, """{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}""");
        }

        if (request.Method == "GET")
        {
            return this.List(request);
        }

        if (request.Method != "POST")
        {
            return Response.Json(405, """{"code":20004,"message":"Method not allowed","more_info":"https://www.twilio.com/docs/errors/20004","status":405}""");
        }

        string to = request.Form.GetValueOrDefault("To", string.Empty);

        // Only a number's first send is held: holding every resend of one activity would only test the poison cap.
        if (this.FirstSendTo(to) && Interlocked.Exchange(ref this.holdNext, null) is { } hold)
        {
            hold.TrySetResult(this.Record(request.Form));
            await Task.Delay(Timeout.Infinite, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            return null;
        }

        TwilioFault? fault = this.NextFault(this.faults, to);
        switch (fault?.Kind)
        {
            case TwilioFaultKind.CloseBeforeRecording:
                return null;
            case TwilioFaultKind.CloseAfterRecording:
                this.Record(request.Form);
                return null;
            case TwilioFaultKind.Answer:
                return new Response(fault.Status, fault.ContentType, fault.Body, fault.RetryAfter);
            case TwilioFaultKind.SlowAfterRecording:
                FakeTwilioMessage late = this.Record(request.Form);
                await Task.Delay(fault.Delay, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
                return Created(late);
            default:
                FakeTwilioMessage accepted = this.Record(request.Form);
                if (this.SendDelay > TimeSpan.Zero)
                {
                    await Task.Delay(this.SendDelay, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
                }

                return Created(accepted);
        }
    }

    private Response? List(FakeTwilioRequest request)
    {
        Interlocked.Increment(ref this.lookups);
        Dictionary<string, string> query = ParseForm(request.Query);
        string? to = query.GetValueOrDefault("To");
        if (to is not null && this.NextFault(this.listFaults, to) is TwilioFault fault)
        {
            return fault.Kind == TwilioFaultKind.Answer ? new Response(fault.Status, fault.ContentType, fault.Body, fault.RetryAfter) : null;
        }

        List<FakeTwilioMessage> visible = this.ListVisible(to);
        visible.Reverse();
        string items = string.Join(',', visible.Select(MessageJson));
        return Response.Json(200, $$"""{"messages":[{{items}}],"page_size":{{visible.Count}},"page":0}""");
    }

    private static Response Created(FakeTwilioMessage message) => Response.Json(201, MessageJson(message));

    private static string MessageJson(FakeTwilioMessage m) =>
        $$"""{"sid":"{{m.Sid}}","account_sid":"{{AccountSid}}","to":{{Quote(m.To)}},"from":{{Quote(m.From)}},"body":{{Quote(m.Body)}},"status":"queued","date_created":"{{m.Created.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture)}}","api_version":"2010-04-01"}""";

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static Dictionary<string, string> ParseForm(string text)
    {
        Dictionary<string, string> fields = new(StringComparer.Ordinal);
        foreach (string pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string name = WebUtility.UrlDecode(eq < 0 ? pair : pair[..eq]);
            fields[name] = eq < 0 ? string.Empty : WebUtility.UrlDecode(pair[(eq + 1)..]);
        }

        return fields;
    }

    /// <summary>An answer to write.</summary>
    private sealed record Response(int Status, string ContentType, string Body, string? RetryAfter)
    {
        public static Response Json(int status, string body) => new(status, "application/json", body, null);
    }
}
