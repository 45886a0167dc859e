using Durable.Testing.Twilio;
using System.Net;
using System.Text;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;
using Twilio.WebJobs.Tests.Fakes;

namespace Twilio.WebJobs.Tests;

public sealed class TwilioRestClientTests
{
    private const string To = "+14255550123";
    private const string From = "+15005550006";

    private static CreateMessageOptions Message(string body = "Your verification code is 0123") =>
        new(new PhoneNumber(To)) { From = new PhoneNumber(From), Body = body };

    [Fact]
    public async Task SendMessageAsync_ValidMessage_PostsFormToAccountMessagesPathWithBasicAuth()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync();
        string expectedAuth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeTwilioServer.AccountSid}:{FakeTwilioServer.AuthToken}"));

        // Act
        await fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message());

        // Assert
        FakeTwilioRequest request = Assert.Single(fixture.Server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/2010-04-01/Accounts/{FakeTwilioServer.AccountSid}/Messages.json", request.Path);
        Assert.Equal(expectedAuth, request.Authorization);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        Assert.Equal(To, request.Form["To"]);
        Assert.Equal(From, request.Form["From"]);
        Assert.Equal("Your verification code is 0123", request.Form["Body"]);
    }

    [Fact]
    public async Task SendMessageAsync_BodyWithPlusSpacesAndNonAscii_IsFormEncodedAsUtf8()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync();
        const string body = "Code 0123 + Café ✓";

        // Act
        await fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message(body));

        // Assert
        FakeTwilioRequest request = Assert.Single(fixture.Server.Requests);
        Assert.Contains("Body=Code+0123+%2B+Caf%C3%A9+%E2%9C%93", request.RawBody, StringComparison.Ordinal);
        Assert.Contains("To=%2B14255550123", request.RawBody, StringComparison.Ordinal);
        Assert.Equal(body, request.Form["Body"]);
    }

    [Fact]
    public async Task SendMessageAsync_Created_ReturnsSidAndStatus()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync();

        // Act
        TwilioMessageResult result = await fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message());

        // Assert
        Assert.Equal(Assert.Single(fixture.Server.Accepted).Sid, result.Sid);
        Assert.Equal("queued", result.Status);
    }

    [Fact]
    public async Task SendMessageAsync_BaseUrlWithPath_KeepsThePath()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync(basePath: "/edge/");

        // Act
        await fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message());

        // Assert
        FakeTwilioRequest request = Assert.Single(fixture.Server.Requests);
        Assert.Equal($"/edge/2010-04-01/Accounts/{FakeTwilioServer.AccountSid}/Messages.json", request.Path);
    }

    [Fact]
    public async Task SendMessageAsync_InvalidToError_ThrowsTwilioApiExceptionWithCodeAndMessageWithoutRetry()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync();
        fixture.Server.AddFaults(To, TwilioFault.Error((int)HttpStatusCode.BadRequest, 21211, "The 'To' number +14255550123 is not a valid phone number."));

        // Act
        TwilioApiException error = await Assert.ThrowsAsync<TwilioApiException>(
            () => fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message()));

        // Assert
        Assert.Equal(21211, error.Code);
        Assert.Equal(400, error.HttpStatus);
        Assert.Equal(1, error.Attempts);
        Assert.Equal("https://www.twilio.com/docs/errors/21211", error.MoreInfo);
        Assert.Contains("21211", error.Message, StringComparison.Ordinal);
        Assert.Contains("is not a valid phone number", error.Message, StringComparison.Ordinal);
        Assert.Single(fixture.Server.Requests);
        Assert.Empty(fixture.Time.Delays);
    }

    [Fact]
    public async Task SendMessageAsync_ServerErrorThenCreated_RetriesExactlyOnceAfterBaseDelay()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync();
        fixture.Server.AddFaults(To, TwilioFault.Error((int)HttpStatusCode.InternalServerError, 20500, "Internal Server Error"));

        // Act
        TwilioMessageResult result = await fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message());

        // Assert
        Assert.Equal(Assert.Single(fixture.Server.Accepted).Sid, result.Sid);
        Assert.Equal(2, fixture.Server.Requests.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(250)], fixture.Time.Delays);
    }

    [Fact]
    public async Task SendMessageAsync_TooManyRequestsWithRetryAfter_WaitsRetryAfterThenSucceeds()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync();
        fixture.Server.AddFaults(To, TwilioFault.Error((int)HttpStatusCode.TooManyRequests, 20429, "Too Many Requests", retryAfter: "7"));

        // Act
        await fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message());

        // Assert
        Assert.Equal(2, fixture.Server.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(7)], fixture.Time.Delays);
    }

    [Fact]
    public async Task SendMessageAsync_RetryAfterAboveMaximum_WaitIsCappedAtMaxRetryDelay()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync();
        fixture.Server.AddFaults(To, TwilioFault.Error((int)HttpStatusCode.TooManyRequests, 20429, "Too Many Requests", retryAfter: "3600"));

        // Act
        await fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message());

        // Assert
        Assert.Equal([TimeSpan.FromSeconds(20)], fixture.Time.Delays);
    }

    [Fact]
    public async Task SendMessageAsync_ServerErrorEveryTime_StopsAfterMaxAttemptsWithExponentialBackoffSayingBudgetExhausted()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync(options => options.MaxAttempts = 3);
        for (int i = 0; i < 5; i++)
        {
            fixture.Server.AddFaults(To, TwilioFault.Error((int)HttpStatusCode.ServiceUnavailable, 20503, "Service Unavailable"));
        }

        // Act
        TwilioRetriesExhaustedException error = await Assert.ThrowsAsync<TwilioRetriesExhaustedException>(
            () => fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message()));

        // Assert
        Assert.Equal(3, fixture.Server.Requests.Count);
        Assert.Equal(3, error.Attempts);
        Assert.False(error.MayHaveBeenSent);
        Assert.Equal(503, Assert.IsType<TwilioApiException>(error.InnerException).HttpStatus);
        Assert.Contains("retry budget exhausted", error.Message, StringComparison.Ordinal);
        Assert.Contains("was not sent", error.Message, StringComparison.Ordinal);
        Assert.Equal([TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500)], fixture.Time.Delays);
    }

    [Fact]
    public async Task SendMessageAsync_BadRequest_IsNotRetried()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync();
        fixture.Server.AddFaults(To, TwilioFault.Error((int)HttpStatusCode.BadRequest, 21602, "Message body is required."));

        // Act
        TwilioApiException error = await Assert.ThrowsAsync<TwilioApiException>(
            () => fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message()));

        // Assert
        Assert.Equal(21602, error.Code);
        Assert.Single(fixture.Server.Requests);
    }

    [Theory]
    [InlineData("4255550123", "To")]
    [InlineData("+1 425 555 0123", "To")]
    [InlineData("+0425550123", "To")]
    [InlineData("+1425555012345678", "To")]
    public async Task SendMessageAsync_ToNotE164_ThrowsNamingFieldAndFormatBeforeAnyRequest(string to, string field)
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync();
        CreateMessageOptions message = new(new PhoneNumber(to)) { From = new PhoneNumber(From), Body = "x" };

        // Act
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => fixture.Client.SendMessageAsync(ClientFixture.Credentials, message));

        // Assert
        Assert.Contains($"'{field}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("E.164", error.Message, StringComparison.Ordinal);
        Assert.Empty(fixture.Server.Requests);
    }

    [Fact]
    public async Task SendMessageAsync_FromNotE164_ThrowsNamingFromBeforeAnyRequest()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync();
        CreateMessageOptions message = new(new PhoneNumber(To)) { From = new PhoneNumber("Twilio"), Body = "x" };

        // Act
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => fixture.Client.SendMessageAsync(ClientFixture.Credentials, message));

        // Assert
        Assert.Contains("'From'", error.Message, StringComparison.Ordinal);
        Assert.Empty(fixture.Server.Requests);
    }

    [Fact]
    public async Task SendMessageAsync_ServerUnreachable_RetriesUpToMaxAttemptsThenSaysNotSent()
    {
        // Arrange
        await using ClientFixture fixture = await ClientFixture.StartAsync(options => options.MaxAttempts = 3);
        await fixture.Server.DisposeAsync();

        // Act
        TwilioRetriesExhaustedException error = await Assert.ThrowsAsync<TwilioRetriesExhaustedException>(() => fixture.Client.SendMessageAsync(ClientFixture.Credentials, Message()));

        // Assert
        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.False(error.MayHaveBeenSent);
        Assert.Equal([TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500)], fixture.Time.Delays);
        Assert.Equal(2, fixture.Logs.Lines.Count(line => line.Contains("Could not reach Twilio", StringComparison.Ordinal)));
    }
}
