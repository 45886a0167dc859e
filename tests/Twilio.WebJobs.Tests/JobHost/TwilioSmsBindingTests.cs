using Durable.Testing.Twilio;
using System.Net;
using Microsoft.Azure.WebJobs.Host;
using Twilio.WebJobs.Tests.Fakes;

namespace Twilio.WebJobs.Tests.JobHost;

public sealed class TwilioSmsBindingTests
{
    private const string Phone = "+14255550123";

    [Fact]
    public async Task CallAsync_OutCreateMessageOptions_SendsWithFromResolvedFromTwilioPhoneNumber()
    {
        // Arrange
        await using FakeTwilioServer server = FakeTwilioServer.Start();
        await using SmsJobHost host = await SmsJobHost.StartAsync(SmsJobHost.TwilioSettings(server));

        // Act
        await host.CallAsync(nameof(SmsFunctions.SendSmsChallenge), new { phone = Phone, body = "Your verification code is 0123" });

        // Assert
        FakeTwilioRequest request = Assert.Single(server.Requests);
        Assert.Equal($"/2010-04-01/Accounts/{FakeTwilioServer.AccountSid}/Messages.json", request.Path);
        Assert.StartsWith("Basic ", request.Authorization, StringComparison.Ordinal);
        Assert.Equal(Phone, request.Form["To"]);
        Assert.Equal("+15005550006", request.Form["From"]);
        Assert.Equal("Your verification code is 0123", request.Form["Body"]);
        Assert.Empty(host.Outbox.GetMessages());
    }

    [Fact]
    public async Task CallAsync_AsyncCollector_AttributeFillsOnlyMissingFromAndBody()
    {
        // Arrange
        await using FakeTwilioServer server = FakeTwilioServer.Start();
        await using SmsJobHost host = await SmsJobHost.StartAsync(SmsJobHost.TwilioSettings(server));

        // Act
        await host.CallAsync(nameof(SmsFunctions.SendTwo), new { phone = Phone });

        // Assert
        FakeTwilioRequest[] requests = [.. server.Requests];
        Assert.Equal(2, requests.Length);
        Assert.Equal(("+15005550006", "first"), (requests[0].Form["From"], requests[0].Form["Body"]));
        Assert.Equal(("+15557654321", "default body"), (requests[1].Form["From"], requests[1].Form["Body"]));
    }

    [Fact]
    public async Task CallAsync_Collector_SendsMessage()
    {
        // Arrange
        await using FakeTwilioServer server = FakeTwilioServer.Start();
        await using SmsJobHost host = await SmsJobHost.StartAsync(SmsJobHost.TwilioSettings(server));

        // Act
        await host.CallAsync(nameof(SmsFunctions.SendWithCollector), new { phone = Phone });

        // Assert
        FakeTwilioRequest request = Assert.Single(server.Requests);
        Assert.Equal("from ICollector", request.Form["Body"]);
    }

    [Fact]
    public async Task CallAsync_TwilioRejectsNumber_FunctionFailsWithTwilioApiException()
    {
        // Arrange
        await using FakeTwilioServer server = FakeTwilioServer.Start();
        server.AddFaults(Phone, TwilioFault.Error((int)HttpStatusCode.BadRequest, 21211, "The 'To' number +14255550123 is not a valid phone number."));
        await using SmsJobHost host = await SmsJobHost.StartAsync(SmsJobHost.TwilioSettings(server));

        // Act
        FunctionInvocationException error = await Assert.ThrowsAsync<FunctionInvocationException>(
            () => host.CallAsync(nameof(SmsFunctions.SendSmsChallenge), new { phone = Phone, body = "code" }));

        // Assert
        TwilioApiException twilio = Assert.IsType<TwilioApiException>(Innermost<TwilioApiException>(error));
        Assert.Equal(21211, twilio.Code);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task CallAsync_ToNotE164_FunctionFailsNamingToWithoutAnyRequest()
    {
        // Arrange
        await using FakeTwilioServer server = FakeTwilioServer.Start();
        await using SmsJobHost host = await SmsJobHost.StartAsync(SmsJobHost.TwilioSettings(server));

        // Act
        FunctionInvocationException error = await Assert.ThrowsAsync<FunctionInvocationException>(
            () => host.CallAsync(nameof(SmsFunctions.SendSmsChallenge), new { phone = "425-555-0123", body = "code" }));

        // Assert
        InvalidOperationException invalid = Assert.IsType<InvalidOperationException>(Innermost<InvalidOperationException>(error));
        Assert.Contains("'To'", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("E.164", invalid.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task CallAsync_DevelopmentWithoutCredentials_SampleBindingWritesToOutboxAndLog()
    {
        // Arrange
        await using FakeTwilioServer server = FakeTwilioServer.Start();
        Dictionary<string, string?> settings = new()
        {
            [TwilioSettingNames.FunctionsEnvironment] = "Development",
            [TwilioSettingNames.ApiBaseUrl] = server.BaseUrl.ToString(),
            ["DefaultSmsBody"] = "default body",
        };
        await using SmsJobHost host = await SmsJobHost.StartAsync(settings);

        // Act
        await host.CallAsync(nameof(SmsFunctions.SendSmsChallenge), new { phone = Phone, body = "Your verification code is 0123" });

        // Assert
        OutboxMessage message = Assert.Single(host.Outbox.GetMessages());
        Assert.Equal((Phone, "+15005550006", "Your verification code is 0123"), (message.To, message.From, message.Body));
        Assert.Contains(host.Logs.Lines, line => line.Contains($"[dev outbox] SMS to {Phone} from +15005550006: Your verification code is 0123", StringComparison.Ordinal));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task StartAsync_ProductionWithoutCredentials_FailsNamingTheMissingSettings()
    {
        // Arrange
        Dictionary<string, string?> settings = new() { [TwilioSettingNames.FunctionsEnvironment] = "Production", ["DefaultSmsBody"] = "x" };

        // Act
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => SmsJobHost.StartAsync(settings));

        // Assert
        string text = error.ToString();
        Assert.Contains("Twilio is not configured", text, StringComparison.Ordinal);
        Assert.Contains(TwilioSettingNames.AccountSid, text, StringComparison.Ordinal);
        Assert.Contains(TwilioSettingNames.AuthToken, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_DevelopmentWithPartialSettings_FailsNamingTheMissingSetting()
    {
        // Arrange
        Dictionary<string, string?> settings = new()
        {
            [TwilioSettingNames.FunctionsEnvironment] = "Development",
            [TwilioSettingNames.AccountSid] = FakeTwilioServer.AccountSid,
            [TwilioSettingNames.PhoneNumber] = "+15005550006",
            ["DefaultSmsBody"] = "x",
        };

        // Act
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => SmsJobHost.StartAsync(settings));

        // Assert
        Assert.Contains("Twilio is only partly configured: TwilioAuthToken is missing", error.ToString(), StringComparison.Ordinal);
    }

    private static Exception? Innermost<T>(Exception error)
        where T : Exception
    {
        Exception? found = null;
        for (Exception? current = error; current is not null; current = current.InnerException)
        {
            found = current is T ? current : found;
        }

        return found;
    }
}
