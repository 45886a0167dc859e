using Microsoft.Azure.WebJobs;
using Twilio.WebJobs.Config;

namespace Twilio.WebJobs.Tests.JobHost;

public sealed class DevOutboxNameResolverTests
{
    private sealed class EmptyResolver : INameResolver
    {
        public string? Resolve(string name) => name == "Known" ? "value" : null;
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
}
