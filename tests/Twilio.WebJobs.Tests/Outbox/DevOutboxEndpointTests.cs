using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Twilio.WebJobs.Tests.Outbox;

public sealed class DevOutboxEndpointTests
{
    private static async Task<(WebApplication App, HttpClient Http)> StartAsync(SmsOutbox outbox)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(outbox);
        WebApplication app = builder.Build();
        app.MapDevOutbox();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) });
    }

    private static SmsOutbox Outbox()
    {
        SmsOutbox outbox = new(TimeProvider.System, NullLogger<SmsOutbox>.Instance);
        outbox.Add("+14255550123", "+15005550006", "Your verification code is 0123");
        outbox.Add("+14255550199", "+15005550006", "Your verification code is 9999");
        outbox.Add("+14255550123", "+15005550006", "Your verification code is 4567");
        return outbox;
    }

    [Fact]
    public async Task GetDevOutbox_NoFilter_ReturnsAllMessagesAsCamelCaseJsonOldestFirst()
    {
        // Arrange
        (WebApplication app, HttpClient http) = await StartAsync(Outbox());
        await using WebApplication running = app;
        using HttpClient client = http;

        // Act
        using HttpResponseMessage response = await client.GetAsync(new Uri("/dev/outbox", UriKind.Relative));
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        // Assert
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonElement[] items = [.. json.RootElement.EnumerateArray()];
        Assert.Equal(3, items.Length);
        Assert.Equal(["to", "from", "body", "createdTime"], items[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("+14255550123", items[0].GetProperty("to").GetString());
        Assert.Equal("Your verification code is 4567", items[2].GetProperty("body").GetString());
        Assert.True(items[0].GetProperty("createdTime").TryGetDateTimeOffset(out _));
    }

    [Theory]
    [InlineData("/dev/outbox?to=%2B14255550123")]
    [InlineData("/dev/outbox?to=+14255550123")]
    public async Task GetDevOutbox_ToFilter_ReturnsOnlyThatRecipient(string url)
    {
        // Arrange
        (WebApplication app, HttpClient http) = await StartAsync(Outbox());
        await using WebApplication running = app;
        using HttpClient client = http;

        // Act
        string body = await client.GetStringAsync(new Uri(url, UriKind.Relative));
        using JsonDocument json = JsonDocument.Parse(body);

        // Assert
        string[] codes = [.. json.RootElement.EnumerateArray().Select(item => item.GetProperty("body").GetString() ?? string.Empty)];
        Assert.Equal(["Your verification code is 0123", "Your verification code is 4567"], codes);
    }
}
