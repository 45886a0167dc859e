using Durable.Testing.Twilio;
using System.Net;
using System.Text;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;
using Twilio.WebJobs.Tests.Fakes;

namespace Twilio.WebJobs.Tests;

public sealed class SecretLeakTests
{
    private static readonly string BasicValue =
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeTwilioServer.AccountSid}:{FakeTwilioServer.AuthToken}"));

    private const string To = "+14255550123";

    private static CreateMessageOptions Message() =>
        new(new PhoneNumber(To)) { From = new PhoneNumber("+15005550006"), Body = "Your verification code is 0123" };

    [Fact]
    public async Task SendMessageAsync_SuccessRetryErrorAndTimeout_NoLogOrExceptionContainsTheAuthToken()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync();
        fixture.Server.AddFaults(To, TwilioFault.Error((int)HttpStatusCode.InternalServerError, 20500, "Internal Server Error"), TwilioFault.Accept(), TwilioFault.Error((int)HttpStatusCode.Unauthorized, 20003, "Authenticate"));

        // A separate client with a short timeout: on a cold machine even a normal answer can take longer than 300 ms.
        await using ClientFixture hanging = await ClientFixture.StartAsync(options => options.RequestTimeout = TimeSpan.FromMilliseconds(300));
        hanging.Server.AddFaults(To, TwilioFault.SlowAfterRecording(TimeSpan.FromMinutes(5)));
        hanging.Server.AddListFaults(To, [.. Enumerable.Repeat(TwilioFault.Error(500, 20500, "Internal Server Error"), 4)]);
        List<string> texts = [];

        // Act
        await fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message());
        texts.Add((await Assert.ThrowsAsync<TwilioApiException>(() => fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message()))).ToString());
        texts.Add((await Assert.ThrowsAsync<TwilioRetriesExhaustedException>(() => hanging.Client.SendMessageAsync(ClientFixture.Credentials, Message()))).ToString());
        texts.Add(ClientFixture.Credentials.ToString());
        texts.AddRange(fixture.Logs.Lines);
        texts.AddRange(hanging.Logs.Lines);

        // Assert
        Assert.Contains(fixture.Logs.Lines, line => line.Contains($"Twilio accepted SMS {fixture.Server.Accepted[0].Sid}", StringComparison.Ordinal));
        Assert.Contains(fixture.Logs.Lines, line => line.Contains("System.Net.Http.HttpClient.Twilio", StringComparison.Ordinal));
        Assert.Contains(texts, text => text.Contains("20003", StringComparison.Ordinal));

        // Header logging is on at Trace, so the Authorization header was a real chance to leak.
        Assert.Contains(fixture.Logs.Lines, line => line.Contains("Authorization", StringComparison.Ordinal));
        Assert.All(texts, text => Assert.DoesNotContain(FakeTwilioServer.AuthToken, text, StringComparison.Ordinal));
        Assert.All(texts, text => Assert.DoesNotContain(BasicValue, text, StringComparison.Ordinal));
    }
}
