using Durable.Testing.Twilio;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Twilio.WebJobs.Tests.Fakes;

namespace Twilio.WebJobs.Tests;

/// <summary>Whether an SMS was already accepted: Twilio's message list, or the development outbox.</summary>
public sealed class SentSmsLookupTests : IAsyncLifetime
{
    private const string To = "+14255550123";
    private const string Body = "Your verification code is 0042";
    private FakeTwilioServer server = null!;
    private ServiceProvider http = null!;

    public Task InitializeAsync()
    {
        this.server = FakeTwilioServer.Start();
        ServiceCollection services = new();
        services.AddHttpClient(TwilioRestClient.HttpClientName);
        this.http = services.BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await this.http.DisposeAsync();
        await this.server.DisposeAsync();
    }

    [Fact]
    public async Task WasSentAsync_TwilioListsTheBodyToday_True()
    {
        // Arrange
        this.server.Seed(To, Body, DateTimeOffset.UtcNow.AddMinutes(-1));
        this.server.Seed(To, "Your verification code is 9999", DateTimeOffset.UtcNow);

        // Act
        bool sent = await this.Twilio().WasSentAsync(To, Body, TimeSpan.FromDays(1), CancellationToken.None);

        // Assert
        Assert.True(sent);
        FakeTwilioRequest request = Assert.Single(this.server.Requests);
        Assert.Equal(("GET", $"/2010-04-01/Accounts/{FakeTwilioServer.AccountSid}/Messages.json"), (request.Method, request.Path));
        Assert.StartsWith("Basic ", request.Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WasSentAsync_OnlyOtherTextsOrOlderOnes_False()
    {
        this.server.Seed(To, Body, DateTimeOffset.UtcNow.AddHours(-3));
        this.server.Seed(To, "Your verification code is 0043", DateTimeOffset.UtcNow);

        bool sent = await this.Twilio().WasSentAsync(To, Body, TimeSpan.FromHours(1), CancellationToken.None);

        Assert.False(sent);
    }

    [Fact]
    public async Task WasSentAsync_TwilioFails_ThrowsWithoutTheToken()
    {
        this.server.AddListFaults(To, TwilioFault.Error((int)HttpStatusCode.InternalServerError, 20500, "Internal error"));

        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(() => this.Twilio().WasSentAsync(To, Body, TimeSpan.FromDays(1), CancellationToken.None));

        Assert.Contains("500", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeTwilioServer.AuthToken, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WasSentAsync_DevelopmentOutbox_LooksInTheOutbox()
    {
        // Arrange: no credentials in Development: messages go to the outbox, and that is where they are looked for.
        SmsOutbox outbox = new(TimeProvider.System, NullLogger<SmsOutbox>.Instance);
        outbox.Add(To, "+15005550006", Body);
        SentSmsLookup lookup = this.Lookup(new() { [TwilioSettingNames.FunctionsEnvironment] = "Development" }, outbox);

        // Act
        bool sent = await lookup.WasSentAsync(To, Body, TimeSpan.FromDays(1), CancellationToken.None);
        bool other = await lookup.WasSentAsync("+14255550199", Body, TimeSpan.FromDays(1), CancellationToken.None);

        // Assert
        Assert.True(sent);
        Assert.False(other);
        Assert.Empty(this.server.Requests);
    }

    private SentSmsLookup Twilio() => this.Lookup(
        new()
        {
            [TwilioSettingNames.AccountSid] = FakeTwilioServer.AccountSid,
            [TwilioSettingNames.AuthToken] = FakeTwilioServer.AuthToken,
            [TwilioSettingNames.PhoneNumber] = "+15005550006",
        },
        new SmsOutbox(TimeProvider.System, NullLogger<SmsOutbox>.Instance));

    private SentSmsLookup Lookup(Dictionary<string, string?> settings, SmsOutbox outbox)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        TwilioSmsOptions options = new() { ApiBaseUrl = this.server.BaseUrl };
        return new SentSmsLookup(configuration, outbox, this.http.GetRequiredService<IHttpClientFactory>(), Options.Create(options), TimeProvider.System);
    }
}
