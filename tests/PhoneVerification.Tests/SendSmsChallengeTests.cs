using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Moq;
using Twilio.Rest.Api.V2010.Account;

namespace PhoneVerification.Tests;

public sealed class SendSmsChallengeTests
{
    private const string Phone = "+14255550123";

    [Fact]
    public void Run_Defaults_TextsZeroPaddedCodeAndReturnsSampleRules()
    {
        // Arrange
        int bound = 0;
        SendSmsChallenge function = new(Settings(), max =>
        {
            bound = max;
            return 42;
        });

        // Act
        SmsChallenge challenge = function.Run(Phone, Mock.Of<ILogger>(), out CreateMessageOptions message);

        // Assert
        Assert.Equal(10000, bound);
        Assert.Equal(new SmsChallenge(42, 90, 4), challenge);
        Assert.Equal(Phone, message.To.ToString());
        Assert.Equal("Your verification code is 0042", message.Body);
        Assert.Null(message.From);
    }

    [Fact]
    public void Run_SettingsGiven_ReturnsThem()
    {
        SendSmsChallenge function = new(Settings(("SmsChallengeTimeoutSeconds", "2"), ("SmsChallengeMaxAttempts", "3")), _ => 9999);

        SmsChallenge challenge = function.Run(Phone, Mock.Of<ILogger>(), out CreateMessageOptions message);

        Assert.Equal(new SmsChallenge(9999, 2, 3), challenge);
        Assert.Equal("Your verification code is 9999", message.Body);
    }

    [Theory]
    [InlineData("SmsChallengeTimeoutSeconds", "0")]
    [InlineData("SmsChallengeTimeoutSeconds", "ninety")]
    [InlineData("SmsChallengeTimeoutSeconds", "-5")]
    [InlineData("SmsChallengeMaxAttempts", "0")]
    [InlineData("SmsChallengeMaxAttempts", "1.5")]
    public void Run_InvalidSetting_ThrowsNamingIt(string name, string value)
    {
        SendSmsChallenge function = new(Settings((name, value)), _ => 1);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => function.Run(Phone, Mock.Of<ILogger>(), out _));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Always_NeverLogsTheCode()
    {
        List<string> lines = [];
        Mock<ILogger> logger = new();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        logger
            .Setup(l => l.Log(It.IsAny<LogLevel>(), It.IsAny<EventId>(), It.IsAny<It.IsAnyType>(), It.IsAny<Exception?>(), It.IsAny<Func<It.IsAnyType, Exception?, string>>()))
            .Callback(new InvocationAction(invocation => lines.Add(invocation.Arguments[2].ToString()!)));
        SendSmsChallenge function = new(Settings(), _ => 4321);

        function.Run(Phone, logger.Object, out _);

        string line = Assert.Single(lines);
        Assert.DoesNotContain("4321", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Phone, line, StringComparison.Ordinal);
        Assert.Contains("0123", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_Public_UsesCryptographicRandomCodesInRange()
    {
        SendSmsChallenge function = new(Settings());

        for (int i = 0; i < 50; i++)
        {
            SmsChallenge challenge = function.Run(Phone, Mock.Of<ILogger>(), out CreateMessageOptions message);
            Assert.InRange(challenge.Code, 0, 9999);
            Assert.Matches("^Your verification code is [0-9]{4}$", message.Body!);
        }
    }

    private static IConfiguration Settings(params (string Name, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value))).Build();
}
