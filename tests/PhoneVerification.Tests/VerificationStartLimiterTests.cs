using Microsoft.Extensions.Configuration;

namespace PhoneVerification.Tests;

public sealed class VerificationStartLimiterTests
{
    private const string Phone = "+14255550123";
    private readonly ManualClock clock = new();

    [Fact]
    public void TryAcquire_UpToTheCap_ThenRefusesWithTimeUntilTheOldestExpires()
    {
        // Arrange: 3 per 10 minutes; starts at 0, 1 and 2 minutes.
        VerificationStartLimiter limiter = new(new VerificationStartLimit(3, TimeSpan.FromMinutes(10)), this.clock);
        TimeSpan?[] allowed = new TimeSpan?[3];
        for (int i = 0; i < 3; i++)
        {
            allowed[i] = limiter.TryAcquire(Phone);
            this.clock.Advance(TimeSpan.FromMinutes(1));
        }

        // Act: the fourth, at 3 minutes.
        TimeSpan? refused = limiter.TryAcquire(Phone);

        // Assert
        Assert.All(allowed, Assert.Null);
        Assert.Equal(TimeSpan.FromMinutes(7), refused);
    }

    [Fact]
    public void TryAcquire_WindowSlides_AllowsAgainWhenOldestExpires()
    {
        VerificationStartLimiter limiter = new(new VerificationStartLimit(2, TimeSpan.FromMinutes(10)), this.clock);
        limiter.TryAcquire(Phone);
        this.clock.Advance(TimeSpan.FromMinutes(5));
        limiter.TryAcquire(Phone);

        TimeSpan? stillFull = limiter.TryAcquire(Phone);
        this.clock.Advance(TimeSpan.FromMinutes(5));
        TimeSpan? freed = limiter.TryAcquire(Phone);
        TimeSpan? fullAgain = limiter.TryAcquire(Phone);

        Assert.Equal(TimeSpan.FromMinutes(5), stillFull);
        Assert.Null(freed);
        Assert.Equal(TimeSpan.FromMinutes(5), fullAgain);
    }

    [Fact]
    public void TryAcquire_NumbersAreCountedSeparately()
    {
        VerificationStartLimiter limiter = new(new VerificationStartLimit(1, TimeSpan.FromMinutes(10)), this.clock);

        Assert.Null(limiter.TryAcquire(Phone));
        Assert.NotNull(limiter.TryAcquire(Phone));
        Assert.Null(limiter.TryAcquire("+14255550124"));
    }

    [Fact]
    public void TryAcquire_ForgetsNumbersWhoseStartsExpired_SoAFloodOfNumbersStaysBounded()
    {
        VerificationStartLimiter limiter = new(new VerificationStartLimit(1, TimeSpan.FromMinutes(10)), this.clock);
        for (int i = 0; i < 1000; i++)
        {
            limiter.TryAcquire("+1425555" + i.ToString("0000", System.Globalization.CultureInfo.InvariantCulture));
        }

        int beforeExpiry = limiter.TrackedNumbers;
        this.clock.Advance(TimeSpan.FromMinutes(10));
        limiter.TryAcquire(Phone);

        Assert.Equal(1000, beforeExpiry);
        Assert.Equal(1, limiter.TrackedNumbers);
    }

    [Fact]
    public void Release_ThenExpiry_ForgetsTheNumber()
    {
        VerificationStartLimiter limiter = new(new VerificationStartLimit(1, TimeSpan.FromMinutes(10)), this.clock);
        limiter.TryAcquire("+14255550999");
        limiter.Release("+14255550999");

        this.clock.Advance(TimeSpan.FromMinutes(10));
        limiter.TryAcquire(Phone);

        Assert.Equal(1, limiter.TrackedNumbers);
    }

    [Fact]
    public void Release_GivesBackAStartThatDidNotHappen()
    {
        VerificationStartLimiter limiter = new(new VerificationStartLimit(1, TimeSpan.FromMinutes(10)), this.clock);
        limiter.TryAcquire(Phone);

        limiter.Release(Phone);

        Assert.Null(limiter.TryAcquire(Phone));
    }

    [Fact]
    public void Read_DefaultsAndOverrides_AndNamesABadSetting()
    {
        IConfiguration empty = new ConfigurationBuilder().Build();
        IConfiguration raised = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SmsVerificationMaxStartsPerNumber"] = "1000", ["SmsVerificationStartWindowSeconds"] = "60" }).Build();
        IConfiguration bad = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SmsVerificationMaxStartsPerNumber"] = "lots" }).Build();

        Assert.Equal(new VerificationStartLimit(5, TimeSpan.FromMinutes(10)), VerificationStartLimit.Read(empty));
        Assert.Equal(new VerificationStartLimit(1000, TimeSpan.FromSeconds(60)), VerificationStartLimit.Read(raised));
        Assert.Contains("SmsVerificationMaxStartsPerNumber", Assert.Throws<InvalidOperationException>(() => VerificationStartLimit.Read(bad)).Message, StringComparison.Ordinal);
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => this.now;

        public void Advance(TimeSpan by) => this.now += by;
    }
}
