using Moq;

namespace PhoneVerification.Tests;

public sealed class SmsPhoneVerificationTests
{
    private const string Phone = "+14255550123";
    private static readonly SmsChallenge Challenge = new(1234, 90, 4);

    [Fact]
    public async Task Run_RightCodeFirstTry_ReturnsTrueAndCancelsTimer()
    {
        // Arrange
        OrchestrationContextFake context = new OrchestrationContextFake(Phone, Challenge).Answer("1234");

        // Act
        bool authorized = await SmsPhoneVerification.Run(context.Object);

        // Assert
        Assert.True(authorized);
        Assert.True(context.TimerToken.IsCancellationRequested);
        Assert.Equal(OrchestrationContextFake.Now.AddSeconds(90), context.TimerFireAt);
        Assert.Equal(1, context.WaitCount);
    }

    [Fact]
    public async Task Run_ThreeWrongThenRight_ReturnsTrue()
    {
        OrchestrationContextFake context = new OrchestrationContextFake(Phone, Challenge).Answer("1", "2", "3", "1234");

        bool authorized = await SmsPhoneVerification.Run(context.Object);

        Assert.True(authorized);
        Assert.Equal(4, context.WaitCount);
        Assert.True(context.TimerToken.IsCancellationRequested);
    }

    [Fact]
    public async Task Run_FourWrong_ReturnsFalseWithoutFifthWait()
    {
        OrchestrationContextFake context = new OrchestrationContextFake(Phone, Challenge).Answer("1", "2", "3", "4", "1234");

        bool authorized = await SmsPhoneVerification.Run(context.Object);

        Assert.False(authorized);
        Assert.Equal(4, context.WaitCount);
        Assert.True(context.TimerToken.IsCancellationRequested);
    }

    [Fact]
    public async Task Run_WrongAnswers_CustomStatusCountsAttemptsLeftWithDeadline()
    {
        // Arrange
        OrchestrationContextFake context = new OrchestrationContextFake(Phone, Challenge).Answer("1", "2", "1234");

        // Act
        bool authorized = await SmsPhoneVerification.Run(context.Object);

        // Assert: set when waiting starts and after each wrong answer; never the code.
        Assert.True(authorized);
        Assert.Equal([4, 3, 2], context.CustomStatuses.Select(s => (int)s["attemptsLeft"]!));
        Assert.All(context.CustomStatuses, s => Assert.Equal(OrchestrationContextFake.Now.AddSeconds(90), (DateTime)s["expiresAt"]!));
        Assert.All(context.CustomStatuses, s => Assert.DoesNotContain("1234", s.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_TimerFiresFirst_ReturnsFalse()
    {
        // Arrange: no answer ever comes.
        OrchestrationContextFake context = new(Phone, Challenge);

        // Act
        Task<bool> run = SmsPhoneVerification.Run(context.Object);
        context.FireTimer();
        bool authorized = await run.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        Assert.False(authorized);
        Assert.False(context.TimerToken.IsCancellationRequested);
    }

    [Fact]
    public async Task Run_WrongAnswersThenTimeout_ReturnsFalse()
    {
        OrchestrationContextFake context = new OrchestrationContextFake(Phone, Challenge).Answer("1", "2");

        Task<bool> run = SmsPhoneVerification.Run(context.Object);
        context.FireTimer();
        bool authorized = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(authorized);
        Assert.Equal(3, context.WaitCount);
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("12.5")]
    [InlineData("{\"code\":1234}")]
    [InlineData("null")]
    [InlineData("\"\"")]
    [InlineData("\"12 34\"")]
    [InlineData("true")]
    [InlineData("99999999999999999999999")]
    [InlineData("-1234")]
    [InlineData("4294968530")]
    [InlineData("1234.0")]
    [InlineData("1.234e3")]
    [InlineData("\"9999999999\"")]
    [InlineData("\"-1234\"")]
    [InlineData("\"１２３４\"")]
    public async Task Run_MalformedAnswer_CountsAsWrongAttempt(string malformed)
    {
        OrchestrationContextFake context = new OrchestrationContextFake(Phone, Challenge).Answer(malformed, "1234");

        bool authorized = await SmsPhoneVerification.Run(context.Object);

        Assert.True(authorized);
        Assert.Equal(2, context.WaitCount);
    }

    [Theory]
    [InlineData("\"1234\"")]
    [InlineData("\" 1234 \"")]
    public async Task Run_CodeAsJsonString_IsAccepted(string answer)
    {
        OrchestrationContextFake context = new OrchestrationContextFake(Phone, Challenge).Answer(answer);

        Assert.True(await SmsPhoneVerification.Run(context.Object));
    }

    [Fact]
    public async Task Run_CodeWithLeadingZeros_MatchesAsStringOrNumber()
    {
        SmsChallenge small = new(42, 90, 4);
        OrchestrationContextFake asString = new OrchestrationContextFake(Phone, small).Answer("\"0042\"");
        OrchestrationContextFake asNumber = new OrchestrationContextFake(Phone, small).Answer("42");

        Assert.True(await SmsPhoneVerification.Run(asString.Object));
        Assert.True(await SmsPhoneVerification.Run(asNumber.Object));
    }

    [Fact]
    public async Task Run_ChallengeRules_ComeFromTheActivityResult()
    {
        // Arrange: a 2-second window and 2 attempts, as the activity read them from settings.
        OrchestrationContextFake context = new OrchestrationContextFake(Phone, new SmsChallenge(1234, 2, 2)).Answer("1", "2", "1234");

        // Act
        bool authorized = await SmsPhoneVerification.Run(context.Object);

        // Assert
        Assert.False(authorized);
        Assert.Equal(2, context.WaitCount);
        Assert.Equal(OrchestrationContextFake.Now.AddSeconds(2), context.TimerFireAt);
    }

    [Fact]
    public async Task Run_Always_CallsActivityExactlyOnce()
    {
        OrchestrationContextFake context = new OrchestrationContextFake(Phone, Challenge).Answer("1", "2", "3", "4");

        await SmsPhoneVerification.Run(context.Object);

        context.Mock.Verify(c => c.CallActivityAsync<SmsChallenge>("E4_SendSmsChallenge", Phone), Times.Once);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Run_MissingPhoneNumber_ThrowsWithoutCallingActivity(string? phone)
    {
        OrchestrationContextFake context = new(phone, Challenge);

        ArgumentNullException error = await Assert.ThrowsAsync<ArgumentNullException>(() => SmsPhoneVerification.Run(context.Object));

        Assert.Contains("phone number input is required", error.Message, StringComparison.Ordinal);
        context.Mock.Verify(c => c.CallActivityAsync<SmsChallenge>(It.IsAny<string>(), It.IsAny<object?>()), Times.Never);
    }
}
