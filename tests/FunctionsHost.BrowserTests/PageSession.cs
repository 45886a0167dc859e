using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace FunctionsHost.BrowserTests;

/// <summary>
/// One fresh browser context and page on a host: records console errors, uncaught page errors and every request
/// that would leave the host's origin (those are aborted, and fail the test in <see cref="AssertClean"/>).
/// </summary>
internal sealed class PageSession : IAsyncDisposable
{
    private readonly IBrowserContext context;
    private readonly ConcurrentQueue<string> consoleErrors = new();
    private readonly ConcurrentQueue<string> foreignRequests = new();

    private PageSession(IBrowserContext context, IPage page, string origin)
    {
        this.context = context;
        this.Page = page;
        this.Origin = origin;
    }

    public IPage Page { get; }

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public string Origin { get; }

    /// <summary>Opens a page on the host at <paramref name="baseAddress"/>, <paramref name="width"/> CSS pixels wide.</summary>
    public static async Task<PageSession> OpenAsync(IBrowser browser, Uri baseAddress, int width = 1280)
    {
        string origin = baseAddress.GetLeftPart(UriPartial.Authority);
        IBrowserContext context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = origin,
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
            TimezoneId = "UTC",
            Locale = "en-US",
        });
        IPage page = await context.NewPageAsync();
        PageSession session = new(context, page, origin);
        await context.RouteAsync("**/*", route =>
        {
            if (SameOrigin(route.Request.Url, origin))
            {
                return route.ContinueAsync();
            }

            session.foreignRequests.Enqueue(route.Request.Url);
            return route.AbortAsync();
        });
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                session.consoleErrors.Enqueue(message.Text);
            }
        };
        page.PageError += (_, error) => session.consoleErrors.Enqueue("Uncaught: " + error);
        return session;
    }

    /// <summary>
    /// No request left the origin and the console shows no error, except "Failed to load resource" lines for
    /// <paramref name="expectedStatuses"/> (the browser's own line for a refusal the test provoked on purpose).
    /// </summary>
    public void AssertClean(params int[] expectedStatuses)
    {
        Assert.Empty(this.foreignRequests);
        string[] unexpected = [.. this.consoleErrors.Where(e => !expectedStatuses.Any(s => e.Contains($"status of {s} ", StringComparison.Ordinal)))];
        Assert.True(unexpected.Length == 0, "Console errors: " + string.Join(" | ", unexpected));
    }

    /// <summary>Whether the page is wider than the viewport (a horizontal scroll bar on a phone).</summary>
    public async Task AssertNoHorizontalOverflowAsync()
    {
        int overflow = await this.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"The page is {overflow} px wider than the {this.Page.ViewportSize?.Width} px viewport.");
    }

    /// <summary>Saves a PNG when <c>PAGES_SCREENSHOT_DIR</c> is set (how docs/*.png are made); otherwise does nothing.</summary>
    public async Task ScreenshotAsync(string name)
    {
        string? folder = Environment.GetEnvironmentVariable("PAGES_SCREENSHOT_DIR");
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
            await this.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = true });
        }
    }

    public async ValueTask DisposeAsync() => await this.context.DisposeAsync();

    private static bool SameOrigin(string url, string origin) =>
        url.StartsWith("data:", StringComparison.Ordinal)
        || (Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && string.Equals(uri.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase));
}
