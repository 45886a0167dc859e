using Durable.WebJobs;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Moq;
using Twilio.Rest.Api.V2010.Account;
using Twilio.WebJobs;

namespace PhoneVerification.Tests;

public sealed class SendSmsChallengeTests
{
    private const string Phone = "+14255550123";
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Fact]
    public async Task Run_Defaults_TextsTheCallsZeroPaddedCodeAndReturnsSampleRules()
    {
        // Arrange
        ChallengeCodes codes = new(Key);
        SendSmsChallenge function = new(Settings(), NotSent(), codes);
        int expected = codes.For("exec-1:0");
        List<CreateMessageOptions> sent = [];

        // Act
        SmsChallenge challenge = await function.Run(Context("exec-1:0"), Mock.Of<ILogger>(), Collector(sent), CancellationToken.None);

        // Assert
        Assert.Equal(new SmsChallenge(expected, 90, 4), challenge);
        CreateMessageOptions message = Assert.Single(sent);
        Assert.Equal(Phone, message.To.ToString());
        Assert.Equal($"Your verification code is {expected:0000}", message.Body);
        Assert.Null(message.From);
    }

    [Fact]
    public async Task Run_SettingsGiven_ReturnsThem()
    {
        SendSmsChallenge function = new(Settings(("SmsChallengeTimeoutSeconds", "2"), ("SmsChallengeMaxAttempts", "3")), NotSent(), new ChallengeCodes(Key));

        SmsChallenge challenge = await function.Run(Context("exec-1:0"), Mock.Of<ILogger>(), Collector([]), CancellationToken.None);

        Assert.Equal((2, 3), (challenge.TimeoutSeconds, challenge.MaxAttempts));
    }

    [Theory]
    [InlineData(2)] // a retry: the first run's SMS went out, then the host died before the result was stored
    [InlineData(1)] // a power loss undid the stored attempt count, so the re-run says attempt 1, but its SMS went out
    public async Task Run_SmsAlreadyAccepted_DoesNotSendAgainWhateverTheAttemptCount(int attempt)
    {
        // Arrange
        ChallengeCodes codes = new(Key);
        string body = $"Your verification code is {codes.For("exec-1:0"):0000}";
        Mock<ISentSmsLookup> lookup = new();
        lookup.Setup(l => l.WasSentAsync(Phone, body, SendSmsChallenge.SentLookback, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        SendSmsChallenge function = new(Settings(), lookup.Object, codes);
        List<CreateMessageOptions> sent = [];

        // Act
        SmsChallenge challenge = await function.Run(Context("exec-1:0", attempt: attempt), Mock.Of<ILogger>(), Collector(sent), CancellationToken.None);

        // Assert
        Assert.Empty(sent);
        Assert.Equal(codes.For("exec-1:0"), challenge.Code);
    }

    [Fact]
    public async Task Run_FirstAttemptNotYetSent_AsksThenSends()
    {
        // Arrange
        Mock<ISentSmsLookup> lookup = new();
        lookup.Setup(l => l.WasSentAsync(Phone, It.IsAny<string>(), SendSmsChallenge.SentLookback, It.IsAny<CancellationToken>())).ReturnsAsync(false);
        SendSmsChallenge function = new(Settings(), lookup.Object, new ChallengeCodes(Key));
        List<CreateMessageOptions> sent = [];

        // Act
        await function.Run(Context("exec-1:0", attempt: 1), Mock.Of<ILogger>(), Collector(sent), CancellationToken.None);

        // Assert
        Assert.Single(sent);
        lookup.Verify(l => l.WasSentAsync(Phone, It.IsAny<string>(), SendSmsChallenge.SentLookback, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Run_RetryAndTheSmsWasNotAccepted_SendsTheSameCodeAndWarns()
    {
        // Arrange: the first attempt was cut off before Twilio accepted its SMS.
        SendSmsChallenge function = new(Settings(), NotSent(), new ChallengeCodes(Key));
        List<CreateMessageOptions> firstSent = [];
        List<CreateMessageOptions> retrySent = [];
        List<(LogLevel Level, string Line)> lines = [];
        SmsChallenge first = await function.Run(Context("exec-1:0", attempt: 1), Mock.Of<ILogger>(), Collector(firstSent), CancellationToken.None);

        // Act
        SmsChallenge retry = await function.Run(Context("exec-1:0", attempt: 2), Capturing(lines), Collector(retrySent), CancellationToken.None);

        // Assert: one code for the orchestrator and the user, whichever SMS arrives.
        Assert.Equal(first, retry);
        Assert.Equal(Assert.Single(firstSent).Body, Assert.Single(retrySent).Body);
        (LogLevel level, string line) = Assert.Single(lines);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("Attempt 2", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RetryAndTheCheckFails_SendsTheSameCodeAnyway()
    {
        Mock<ISentSmsLookup> lookup = new();
        lookup.Setup(l => l.WasSentAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("Twilio unreachable"));
        SendSmsChallenge function = new(Settings(), lookup.Object, new ChallengeCodes(Key));
        List<CreateMessageOptions> sent = [];

        await function.Run(Context("exec-1:0", attempt: 3), Mock.Of<ILogger>(), Collector(sent), CancellationToken.None);

        Assert.Single(sent);
    }

    [Fact]
    public void Run_DifferentCalls_GetUnrelatedCodes()
    {
        // A new verification, even of the same instance id (a new execution), must not reuse an old code.
        ChallengeCodes codes = new(Key);
        int[] sample = [.. Enumerable.Range(0, 200).Select(i => codes.For($"exec-{i}:0"))];

        Assert.True(sample.Distinct().Count() > 150, $"Only {sample.Distinct().Count()} distinct codes in 200 calls.");
        Assert.All(sample, code => Assert.InRange(code, 0, 9999));
    }

    [Fact]
    public void ChallengeCodes_AnotherKey_AnotherCode()
    {
        // Without the key the code cannot be computed from the (public) call id.
        byte[] other = [.. Key.Select(b => (byte)(b ^ 0xFF))];
        int[] mine = [.. Enumerable.Range(0, 20).Select(i => new ChallengeCodes(Key).For($"exec-{i}:0"))];
        int[] theirs = [.. Enumerable.Range(0, 20).Select(i => new ChallengeCodes(other).For($"exec-{i}:0"))];

        Assert.NotEqual(mine, theirs);
    }

    [Fact]
    public void ChallengeCodes_KeyFromAuthToken_SameForEveryHostOfTheApp()
    {
        // Two hosts (or a host and its restart) with the same Twilio secret derive the same code for a call.
        IConfiguration settings = Settings(("TwilioAuthToken", "a-random-token-value-0123456789ab"));

        Assert.Equal(new ChallengeCodes(settings).For("exec-1:0"), new ChallengeCodes(settings).For("exec-1:0"));
        Assert.NotEqual(
            Enumerable.Range(0, 20).Select(i => new ChallengeCodes(settings).For($"exec-{i}:0")),
            Enumerable.Range(0, 20).Select(i => new ChallengeCodes(Settings(("TwilioAuthToken", "another-token"))).For($"exec-{i}:0")));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void ChallengeCodes_KeySettingInvalid_ThrowsNamingTheSettingNotTheValue(string value)
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => new ChallengeCodes(Settings((ChallengeCodes.KeySetting, value))));

        Assert.Contains(ChallengeCodes.KeySetting, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SmsChallengeTimeoutSeconds", "0")]
    [InlineData("SmsChallengeTimeoutSeconds", "ninety")]
    [InlineData("SmsChallengeTimeoutSeconds", "-5")]
    [InlineData("SmsChallengeMaxAttempts", "0")]
    [InlineData("SmsChallengeMaxAttempts", "1.5")]
    public async Task Run_InvalidSetting_ThrowsNamingIt(string name, string value)
    {
        SendSmsChallenge function = new(Settings((name, value)), NotSent(), new ChallengeCodes(Key));

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => function.Run(Context("exec-1:0"), Mock.Of<ILogger>(), Collector([]), CancellationToken.None));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Run_AnyAttempt_NeverLogsTheCodeOrTheNumber(int attempt)
    {
        List<(LogLevel Level, string Line)> lines = [];
        ChallengeCodes codes = new(Key);
        SendSmsChallenge function = new(Settings(), NotSent(), codes);

        await function.Run(Context("exec-1:0", attempt), Capturing(lines), Collector([]), CancellationToken.None);

        (_, string line) = Assert.Single(lines);
        Assert.DoesNotContain(codes.For("exec-1:0").ToString("0000", System.Globalization.CultureInfo.InvariantCulture), line, StringComparison.Ordinal);
        Assert.DoesNotContain(Phone, line, StringComparison.Ordinal);
        Assert.Contains("0123", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Constructor_Public_CodesInRangeAndStablePerCall()
    {
        SendSmsChallenge function = new(Settings(), NotSent());

        for (int i = 0; i < 50; i++)
        {
            List<CreateMessageOptions> sent = [];
            SmsChallenge challenge = await function.Run(Context($"exec-{i}:0"), Mock.Of<ILogger>(), Collector(sent), CancellationToken.None);
            Assert.InRange(challenge.Code, 0, 9999);
            Assert.Matches("^Your verification code is [0-9]{4}$", Assert.Single(sent).Body!);
            Assert.Equal(challenge, await function.Run(Context($"exec-{i}:0", attempt: 2), Mock.Of<ILogger>(), Collector([]), CancellationToken.None));
        }
    }

    private static ISentSmsLookup NotSent()
    {
        Mock<ISentSmsLookup> lookup = new();
        lookup.Setup(l => l.WasSentAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>())).ReturnsAsync(false);
        return lookup.Object;
    }

    private static IAsyncCollector<CreateMessageOptions> Collector(List<CreateMessageOptions> sent)
    {
        Mock<IAsyncCollector<CreateMessageOptions>> collector = new();
        collector.Setup(c => c.AddAsync(It.IsAny<CreateMessageOptions>(), It.IsAny<CancellationToken>()))
            .Callback<CreateMessageOptions, CancellationToken>((m, _) => sent.Add(m))
            .Returns(Task.CompletedTask);
        return collector.Object;
    }

    private static IDurableActivityContext Context(string invocationId, int attempt = 1)
    {
        Mock<IDurableActivityContext> context = new();
        context.Setup(c => c.GetInput<string>()).Returns(Phone);
        context.Setup(c => c.Name).Returns(SendSmsChallenge.FunctionName);
        context.Setup(c => c.InstanceId).Returns("instance-1");
        Mock<IDurableActivityInvocation> invocation = context.As<IDurableActivityInvocation>();
        invocation.Setup(i => i.Attempt).Returns(attempt);
        invocation.Setup(i => i.InvocationId).Returns(invocationId);
        return context.Object;
    }

    private static ILogger Capturing(List<(LogLevel Level, string Line)> lines)
    {
        Mock<ILogger> logger = new();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        logger
            .Setup(l => l.Log(It.IsAny<LogLevel>(), It.IsAny<EventId>(), It.IsAny<It.IsAnyType>(), It.IsAny<Exception?>(), It.IsAny<Func<It.IsAnyType, Exception?, string>>()))
            .Callback(new InvocationAction(invocation => lines.Add(((LogLevel)invocation.Arguments[0], invocation.Arguments[2].ToString()!))));
        return logger.Object;
    }

    private static IConfiguration Settings(params (string Name, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value))).Build();
}
