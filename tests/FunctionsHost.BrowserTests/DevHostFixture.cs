using FunctionsHost.Tests;

namespace FunctionsHost.BrowserTests;

/// <summary>
/// A Development host on loopback (no keys, development outbox) shared by one test class: a 60 s challenge window,
/// and one verification per phone number per window (so a second start for a number is the 429 the page must show).
/// </summary>
public sealed class DevHostFixture : IAsyncLifetime
{
    internal TestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        this.Host = await TestHost.StartAsync(timeoutSeconds: 60, settings: new Dictionary<string, string?>
        {
            [PhoneVerification.VerificationStartLimit.MaxStartsSetting] = "1",
        });

    public async Task DisposeAsync() => await this.Host.DisposeAsync();
}
