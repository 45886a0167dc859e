using Microsoft.Playwright;

namespace FunctionsHost.BrowserTests;

/// <summary>
/// One headless Chromium for the whole suite: Debian's <c>/usr/bin/chromium</c> (Playwright's own browser download is
/// not reachable; <c>.ci/run</c> installs the package), driven by the Playwright driver shipped in the NuGet package.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Where Debian's chromium package puts the browser.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // A loaded machine makes pages slower than Playwright's 5 s default expects; waits stay bounded.
        Assertions.SetDefaultExpectTimeout(20_000);
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"The browser tests need Debian's chromium at {ChromiumPath}: apt-get install -y chromium (.ci/run installs it).");
        }

        this.playwright = await Playwright.CreateAsync();
        this.Browser = await this.playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                // Root (CI) cannot use Chromium's sandbox; the pages are our own, served from loopback.
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (this.Browser is not null)
        {
            await this.Browser.DisposeAsync();
        }

        this.playwright?.Dispose();
    }
}
