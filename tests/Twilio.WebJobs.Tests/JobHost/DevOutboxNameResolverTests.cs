using Microsoft.Azure.WebJobs;
using Twilio.WebJobs.Config;

namespace Twilio.WebJobs.Tests.JobHost;

public sealed class DevOutboxNameResolverTests
{
    private sealed class EmptyResolver : INameResolver
    {
        public string? Resolve(string name) => name == "Known" ? "value" : null;
    }

    private sealed class BlankResolver(string blank) : INameResolver
    {
        public string? Resolve(string name) => blank;
    }

    [Theory]
    [InlineData(true, "TwilioPhoneNumber", DevOutboxNameResolver.PlaceholderSender)]
    [InlineData(false, "TwilioPhoneNumber", null)]
    [InlineData(true, "SomethingElse", null)]
    [InlineData(true, "Known", "value")]
    [InlineData(false, "Known", "value")]
    public void Resolve_Name_SubstitutesOnlyTheSenderAndOnlyInOutboxMode(bool devOutbox, string name, string? expected)
    {
        // Arrange
        DevOutboxNameResolver resolver = new(new EmptyResolver(), devOutbox);

        // Act
        string? actual = resolver.Resolve(name);

        // Assert
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Resolve_SenderSetButBlankInOutboxMode_SubstitutesTheTestSender(string blank)
    {
        // Arrange: local.settings.json.example ships "TwilioPhoneNumber": "", which must mean "not set".
        DevOutboxNameResolver resolver = new(new BlankResolver(blank), devOutbox: true);

        // Act
        string? actual = resolver.Resolve(TwilioSettingNames.PhoneNumber);

        // Assert
        Assert.Equal(DevOutboxNameResolver.PlaceholderSender, actual);
    }
}
