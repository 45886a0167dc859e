using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;
using Twilio.WebJobs.Bindings;

namespace Twilio.WebJobs.Tests.Outbox;

public sealed class TwilioSmsAsyncCollectorTests
{
    private readonly List<CreateMessageOptions> sent = [];

    private TwilioSmsAsyncCollector Create(string? from = "+15005550006", string? body = "default body", Exception? failWith = null) =>
        new(
            (message, _) =>
            {
                this.sent.Add(message);
                return failWith is null ? Task.CompletedTask : Task.FromException(failWith);
            },
            from,
            body);

    [Fact]
    public async Task AddAsync_MessageWithFromAndBody_KeepsItsOwnValues()
    {
        // Arrange
        TwilioSmsAsyncCollector collector = this.Create();
        CreateMessageOptions message = new(new PhoneNumber("+14255550123")) { From = new PhoneNumber("+15557654321"), Body = "own" };

        // Act
        await collector.AddAsync(message);
        await collector.FlushAsync();

        // Assert
        CreateMessageOptions result = Assert.Single(this.sent);
        Assert.Equal(("+15557654321", "own"), (result.From!.ToString(), result.Body));
    }

    [Fact]
    public async Task AddAsync_MessageWithoutFromAndBody_TakesAttributeValues()
    {
        // Arrange
        TwilioSmsAsyncCollector collector = this.Create();

        // Act
        await collector.AddAsync(new CreateMessageOptions(new PhoneNumber("+14255550123")));
        await collector.FlushAsync();

        // Assert
        CreateMessageOptions result = Assert.Single(this.sent);
        Assert.Equal(("+15005550006", "default body"), (result.From!.ToString(), result.Body));
    }

    [Fact]
    public async Task AddAsync_NoBodyAnywhere_ThrowsNamingBody()
    {
        // Arrange
        TwilioSmsAsyncCollector collector = this.Create(body: null);

        // Act
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => collector.AddAsync(new CreateMessageOptions(new PhoneNumber("+14255550123"))));

        // Assert
        Assert.Contains("'Body'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAsync_AttributeFromNotE164_ThrowsNamingFromBeforeSending()
    {
        // Arrange
        TwilioSmsAsyncCollector collector = this.Create(from: "Contoso");

        // Act
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => collector.AddAsync(new CreateMessageOptions(new PhoneNumber("+14255550123")) { Body = "x" }));

        // Assert
        Assert.Contains("'From' number 'Contoso'", error.Message, StringComparison.Ordinal);
        Assert.Empty(this.sent);
    }

    [Fact]
    public async Task AddAsync_WithoutFlush_SendsNothing()
    {
        // Arrange
        TwilioSmsAsyncCollector collector = this.Create();

        // Act
        await collector.AddAsync(new CreateMessageOptions(new PhoneNumber("+14255550123")));

        // Assert
        Assert.Empty(this.sent);
    }

    [Fact]
    public async Task FlushAsync_SendFails_PropagatesAndDoesNotResendOnNextFlush()
    {
        // Arrange
        TwilioSmsAsyncCollector collector = this.Create(failWith: new TwilioApiException(400, 21211, "bad To", null, 1));
        await collector.AddAsync(new CreateMessageOptions(new PhoneNumber("+14255550123")));

        // Act
        await Assert.ThrowsAsync<TwilioApiException>(() => collector.FlushAsync());
        await collector.FlushAsync();

        // Assert
        Assert.Single(this.sent);
    }
}
