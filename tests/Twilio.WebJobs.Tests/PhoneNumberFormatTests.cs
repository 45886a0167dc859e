using Twilio.WebJobs.Internal;

namespace Twilio.WebJobs.Tests;

public sealed class PhoneNumberFormatTests
{
    [Theory]
    [InlineData("+14255550123", true)]
    [InlineData("+353861234567", true)]
    [InlineData("+12", true)]
    [InlineData("+123456789012345", true)]
    [InlineData("+1234567890123456", false)]
    [InlineData("+1", false)]
    [InlineData("14255550123", false)]
    [InlineData("+04255550123", false)]
    [InlineData("+1 425 555 0123", false)]
    [InlineData("+1-425-555-0123", false)]
    [InlineData("+14255550123\n", false)]
    [InlineData("+١٤٢٥٥٥٥٠١٢٣", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsE164_Number_MatchesExpectedFormat(string? number, bool expected)
    {
        // Arrange
        // (inline data)

        // Act
        bool actual = PhoneNumberFormat.IsE164(number);

        // Assert
        Assert.Equal(expected, actual);
    }
}
