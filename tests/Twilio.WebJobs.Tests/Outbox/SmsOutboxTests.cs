using Twilio.WebJobs.Tests.Fakes;
using Microsoft.Extensions.Logging;

namespace Twilio.WebJobs.Tests.Outbox;

public sealed class SmsOutboxTests
{
    private static (SmsOutbox Outbox, CapturingLoggerProvider Logs) Create()
    {
        CapturingLoggerProvider logs = new();
        ILoggerFactory factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        return (new SmsOutbox(TimeProvider.System, factory.CreateLogger<SmsOutbox>()), logs);
    }

    [Fact]
    public void Add_Message_IsListedAndLoggedOnOneLine()
    {
        // Arrange
        (SmsOutbox outbox, CapturingLoggerProvider logs) = Create();
        DateTimeOffset before = DateTimeOffset.UtcNow;

        // Act
        outbox.Add("+14255550123", "+15005550006", "Your verification code is 0123");

        // Assert
        OutboxMessage message = Assert.Single(outbox.GetMessages());
        Assert.Equal(("+14255550123", "+15005550006", "Your verification code is 0123"), (message.To, message.From, message.Body));
        Assert.InRange(message.CreatedTime, before, DateTimeOffset.UtcNow);
        string line = Assert.Single(logs.Lines);
        Assert.Contains("[dev outbox] SMS to +14255550123 from +15005550006: Your verification code is 0123", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("+14255550123")]
    [InlineData(" 14255550123")]
    [InlineData("14255550123")]
    public void GetMessages_ToFilter_ReturnsOnlyThatRecipientNewestLast(string filter)
    {
        // Arrange
        (SmsOutbox outbox, _) = Create();
        outbox.Add("+14255550123", "+15005550006", "one");
        outbox.Add("+14255550199", "+15005550006", "other");
        outbox.Add("+14255550123", "+15005550006", "two");

        // Act
        IReadOnlyList<OutboxMessage> messages = outbox.GetMessages(filter);

        // Assert
        Assert.Equal(["one", "two"], messages.Select(m => m.Body));
    }

    [Fact]
    public void Add_MoreThanCapacity_DropsTheOldest()
    {
        // Arrange
        (SmsOutbox outbox, _) = Create();

        // Act
        for (int i = 0; i <= SmsOutbox.Capacity; i++)
        {
            outbox.Add("+14255550123", "+15005550006", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // Assert
        IReadOnlyList<OutboxMessage> messages = outbox.GetMessages();
        Assert.Equal(SmsOutbox.Capacity, messages.Count);
        Assert.Equal("1", messages[0].Body);
        Assert.Equal(SmsOutbox.Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture), messages[^1].Body);
    }
}
