using Durable.Testing.Twilio;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Host.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Moq;
using Twilio.Rest.Api.V2010.Account;
using Twilio.WebJobs.Tests.Fakes;

namespace Twilio.WebJobs.Tests.JobHost;

public sealed class TwilioSmsRegistrationTests
{
    [Fact]
    public async Task CallAsync_TwilioClientReplacedInServices_SendsThroughReplacementWithConfiguredCredentials()
    {
        // Arrange
        await using FakeTwilioServer server = FakeTwilioServer.Start();
        Mock<ITwilioClient> client = new(MockBehavior.Strict);
        client.Setup(c => c.SendMessageAsync(It.IsAny<TwilioCredentials>(), It.IsAny<CreateMessageOptions>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TwilioMessageResult("SM1", "queued"));
        await using SmsJobHost host = await SmsJobHost.StartAsync(
            SmsJobHost.TwilioSettings(server),
            configureServices: services => services.AddSingleton(client.Object));

        // Act
        await host.CallAsync(nameof(SmsFunctions.SendSmsChallenge), new { phone = "+14255550123", body = "code 0123" });

        // Assert
        client.Verify(
            c => c.SendMessageAsync(
                It.Is<TwilioCredentials>(x => x.AccountSid == FakeTwilioServer.AccountSid && x.AuthToken == FakeTwilioServer.AuthToken),
                It.Is<CreateMessageOptions>(m => m.To.ToString() == "+14255550123" && m.From!.ToString() == "+15005550006" && m.Body == "code 0123"),
                It.IsAny<CancellationToken>()),
            Times.Once);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task StartAsync_BindingNamesUnsetSidSetting_FailsNamingTheSetting()
    {
        // Arrange
        await using FakeTwilioServer server = FakeTwilioServer.Start();

        // Act
        Exception error = await Assert.ThrowsAnyAsync<Exception>(
            () => SmsJobHost.StartAsync(SmsJobHost.TwilioSettings(server), typeof(MisconfiguredFunctions)));

        // Assert
        Assert.Contains("the app setting 'OtherAccountSid' (AccountSidSetting) is not set", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddTwilioSms_CalledTwice_RegistersTheExtensionOnce()
    {
        // Arrange
        ServiceCollection services = new();
        IWebJobsBuilder builder = services.AddWebJobs(_ => { });

        // Act
        builder.AddTwilioSms().AddTwilioSms();

        // Assert
        int extensions = services.Count(d => d.ServiceType == typeof(IExtensionConfigProvider)
            && d.ImplementationType?.Name == "TwilioExtensionConfigProvider");
        Assert.Equal(1, extensions);
        Assert.Single(services, d => d.ServiceType == typeof(INameResolver));
    }

    [Fact]
    public async Task StartAsync_ExtensionSectionAndBaseUrlSetting_BindIntoOptions()
    {
        // Arrange
        await using FakeTwilioServer server = FakeTwilioServer.Start();
        Dictionary<string, string?> settings = SmsJobHost.TwilioSettings(server);
        settings["AzureWebJobs:Extensions:Twilio:MaxAttempts"] = "2";
        settings["AzureWebJobs:Extensions:Twilio:RequestTimeout"] = "00:00:07";
        settings[TwilioSettingNames.ApiBaseUrl] = "https://api.dublin.ie1.twilio.com";

        // Act
        await using SmsJobHost host = await SmsJobHost.StartAsync(settings);
        TwilioSmsOptions options = host.Services.GetRequiredService<IOptions<TwilioSmsOptions>>().Value;

        // Assert
        Assert.Equal(2, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(7), options.RequestTimeout);
        Assert.Equal(new Uri("https://api.dublin.ie1.twilio.com"), options.ApiBaseUrl);
        Assert.Equal(TimeSpan.FromMilliseconds(1), options.RetryBaseDelay);
    }

    [Fact]
    public async Task StartAsync_InvalidMaxAttempts_FailsAtStart()
    {
        // Arrange
        await using FakeTwilioServer server = FakeTwilioServer.Start();
        Dictionary<string, string?> settings = SmsJobHost.TwilioSettings(server);
        settings["AzureWebJobs:Extensions:Twilio:MaxAttempts"] = "0";

        // Act
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => SmsJobHost.StartAsync(settings));

        // Assert
        Assert.Contains("Twilio MaxAttempts must be between 1 and 10.", error.ToString(), StringComparison.Ordinal);
    }
}
