using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Durable.Testing.Twilio;

namespace PhoneVerification.LoadTest.Tests;

/// <summary>
/// The shared fake Twilio server as the tool runs it (its sink): on a fixed port, for a host with credentials of its
/// own, with no request log, holding nothing for a phone number once its flow has read the code.
/// </summary>
public sealed class SinkTests
{
    private const string Phone = "+14255550123";

    [Fact]
    public async Task WhenAcceptedAsync_SendWithAnyCredentials_GivesTheCodeAndForgetDropsTheNumber()
    {
        // Arrange: the sink as LoadRun starts it; the sender uses credentials the fake never heard of.
        await using FakeTwilioServer sink = FakeTwilioServer.Start(authToken: null, recordRequests: false);
        using HttpClient client = Client(sink, "AC" + Guid.NewGuid().ToString("N"));
        Task<FakeTwilioMessage> sms = sink.WhenAcceptedAsync(Phone);

        // Act
        using HttpResponseMessage sent = await client.PostAsync(MessagesPath("ACother"), Form(Phone, "Your verification code is 0427"));
        FakeTwilioMessage message = await sms.WaitAsync(TimeSpan.FromSeconds(30));
        int listedBefore = await ListedAsync(client, Phone);
        sink.Forget(Phone);
        int listedAfter = await ListedAsync(client, Phone);

        // Assert
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        Assert.Equal("0427", message.Code);
        Assert.Equal(1, listedBefore);
        Assert.Equal(0, listedAfter);
        Assert.Empty(sink.Accepted);
        Assert.Equal(1, sink.AcceptedTotal);
        Assert.Throws<InvalidOperationException>(() => sink.Requests);
    }

    [Fact]
    public async Task Forget_BeforeTheSmsCame_CancelsTheWaiter()
    {
        // Arrange: a flow that gives up on its code (the tool's 60 s deadline) forgets the number.
        await using FakeTwilioServer sink = FakeTwilioServer.Start(authToken: null, recordRequests: false);
        Task<FakeTwilioMessage> sms = sink.WhenAcceptedAsync(Phone);

        // Act
        sink.Forget(Phone);

        // Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sms.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Start_FixedPortAfterAnEarlierSinkOnIt_ListensThere()
    {
        // Arrange: a run on --sink-port N that served a request, then ended (the smoke test runs the tool four times on one port).
        int port;
        await using (FakeTwilioServer first = FakeTwilioServer.Start(authToken: null, recordRequests: false))
        {
            port = first.BaseUrl.Port;
            using HttpClient client = Client(first, "ACfirst");
            using HttpResponseMessage sent = await client.PostAsync(MessagesPath("ACfirst"), Form(Phone, "Your verification code is 1234"));
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }

        // Act
        await using FakeTwilioServer second = FakeTwilioServer.Start(authToken: null, port: port, recordRequests: false);
        using HttpClient again = Client(second, "ACsecond");
        using HttpClient anonymous = new() { BaseAddress = second.BaseUrl };
        using HttpResponseMessage unauthenticated = await anonymous.PostAsync(MessagesPath("ACsecond"), Form(Phone, "x"));

        // Assert: any Basic credentials pass, none at all do not.
        Assert.Equal(port, second.BaseUrl.Port);
        Assert.Equal(0, await ListedAsync(again, Phone));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }

    private static HttpClient Client(FakeTwilioServer sink, string accountSid)
    {
        HttpClient client = new() { BaseAddress = sink.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(accountSid + ":" + Guid.NewGuid().ToString("N"))));
        return client;
    }

    private static string MessagesPath(string accountSid) => $"/2010-04-01/Accounts/{accountSid}/Messages.json";

    private static FormUrlEncodedContent Form(string to, string body) =>
        new(new Dictionary<string, string> { ["To"] = to, ["From"] = "+15005550006", ["Body"] = body });

    private static async Task<int> ListedAsync(HttpClient client, string to)
    {
        using HttpResponseMessage response = await client.GetAsync(MessagesPath("ACany") + "?To=" + Uri.EscapeDataString(to));
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("messages").GetArrayLength();
    }
}
