using Durable.Testing.Twilio;
using Microsoft.Extensions.Configuration;
using Twilio.WebJobs.Tests.Fakes;

namespace Twilio.WebJobs.Tests;

public sealed class TwilioSettingsValidatorTests
{
    private static IConfiguration Config(params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();

    private static (string, string?)[] Full =>
    [
        (TwilioSettingNames.AccountSid, FakeTwilioServer.AccountSid),
        (TwilioSettingNames.AuthToken, FakeTwilioServer.AuthToken),
        (TwilioSettingNames.PhoneNumber, "+15005550006"),
    ];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Validate_AllSettingsValid_ReturnsTwilio(bool isDevelopment)
    {
        // Arrange
        IConfiguration configuration = Config(Full);

        // Act
        TwilioDeliveryMode mode = TwilioSettingsValidator.Validate(configuration, isDevelopment);

        // Assert
        Assert.Equal(TwilioDeliveryMode.Twilio, mode);
    }

    [Fact]
    public void Validate_NoSettingsInDevelopment_ReturnsDevOutbox()
    {
        // Arrange
        IConfiguration configuration = Config((TwilioSettingNames.AccountSid, ""), (TwilioSettingNames.AuthToken, "  "));

        // Act
        TwilioDeliveryMode mode = TwilioSettingsValidator.Validate(configuration, isDevelopment: true);

        // Assert
        Assert.Equal(TwilioDeliveryMode.DevOutbox, mode);
    }

    [Fact]
    public void Validate_NoSettingsOutsideDevelopment_ThrowsNamingAllThreeSettings()
    {
        // Arrange
        IConfiguration configuration = Config();

        // Act
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => TwilioSettingsValidator.Validate(configuration, isDevelopment: false));

        // Assert
        Assert.Contains("TwilioAccountSid, TwilioAuthToken, TwilioPhoneNumber are missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("Development", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Validate_PhoneNumberMissing_ThrowsNamingItWithoutLeakingTheToken(bool isDevelopment)
    {
        // Arrange
        IConfiguration configuration = Config(Full[0], Full[1]);

        // Act
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => TwilioSettingsValidator.Validate(configuration, isDevelopment));

        // Assert
        Assert.Contains("only partly configured: TwilioPhoneNumber is missing while TwilioAccountSid, TwilioAuthToken are set", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeTwilioServer.AuthToken, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OnlyPhoneNumberInDevelopment_ThrowsNamingBothCredentials()
    {
        // Arrange
        IConfiguration configuration = Config(Full[2]);

        // Act
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => TwilioSettingsValidator.Validate(configuration, isDevelopment: true));

        // Assert
        Assert.Contains("TwilioAccountSid, TwilioAuthToken are missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TokenPastedAsAccountSid_ThrowsWithoutQuotingTheValue()
    {
        // Arrange
        IConfiguration configuration = Config((TwilioSettingNames.AccountSid, FakeTwilioServer.AuthToken), Full[1], Full[2]);

        // Act
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => TwilioSettingsValidator.Validate(configuration, isDevelopment: false));

        // Assert
        Assert.Contains("TwilioAccountSid is not a Twilio Account SID", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeTwilioServer.AuthToken, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PhoneNumberNotE164_ThrowsNamingSettingAndFormat()
    {
        // Arrange
        IConfiguration configuration = Config(Full[0], Full[1], (TwilioSettingNames.PhoneNumber, "(425) 555-0100"));

        // Act
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => TwilioSettingsValidator.Validate(configuration, isDevelopment: false));

        // Assert
        Assert.Contains("TwilioPhoneNumber '(425) 555-0100' is not valid", error.Message, StringComparison.Ordinal);
        Assert.Contains("E.164", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api.twilio.com")]
    [InlineData("ftp://api.twilio.com")]
    public void Validate_ApiBaseUrlNotHttpUrl_ThrowsNamingSetting(string url)
    {
        // Arrange
        IConfiguration configuration = Config([.. Full, (TwilioSettingNames.ApiBaseUrl, url)]);

        // Act
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => TwilioSettingsValidator.Validate(configuration, isDevelopment: false));

        // Assert
        Assert.Contains("TwilioApiBaseUrl", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, null, false)]
    [InlineData("Development", null, null, true)]
    [InlineData(null, "development", null, true)]
    [InlineData(null, null, "Development", true)]
    [InlineData("Production", "Development", null, false)]
    [InlineData(null, "Staging", "Development", false)]
    public void IsDevelopment_EnvironmentSettings_FirstNonEmptyWins(string? functions, string? aspNetCore, string? dotNet, bool expected)
    {
        // Arrange
        IConfiguration configuration = Config(
            (TwilioSettingNames.FunctionsEnvironment, functions),
            (TwilioSettingNames.AspNetCoreEnvironment, aspNetCore),
            (TwilioSettingNames.DotNetEnvironment, dotNet));

        // Act
        bool actual = TwilioSettingsValidator.IsDevelopment(configuration);

        // Assert
        Assert.Equal(expected, actual);
    }
}
