using System.Globalization;
using System.Text.RegularExpressions;
using FunctionsHost.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FunctionsHost.BrowserTests;

/// <summary>The end-user page at <c>/</c>, driven as a user would, through the sample's public contract only.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class VerificationPageTests(BrowserFixture browser, DevHostFixture hostFixture) : IClassFixture<DevHostFixture>
{
    private readonly TestHost host = hostFixture.Host;

    [Fact]
    public async Task Verify_RightCodeFromOutbox_ShowsVerified()
    {
        // Arrange
        await using PageSession session = await PageSession.OpenAsync(browser.Browser, this.host.Client.BaseAddress!);
        IPage page = session.Page;
        string phone = TestHost.NewPhoneNumber();

        // Act: the code is read where a developer reads it, in the page's outbox panel.
        await StartAsync(page, phone);
        string code = await ReadOutboxCodeAsync(page);
        await session.ScreenshotAsync("verification-page.png");
        await page.GetByLabel("Code from the SMS", new() { Exact = true }).FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();

        // Assert
        await Expect(page.Locator("#message[data-outcome=verified]")).ToContainTextAsync("Verified");
        session.AssertClean();
    }

    [Fact]
    public async Task Verify_FourWrongCodesOnAPhone_CountsDownThenTooManyAttempts()
    {
        // Arrange: a phone-sized screen.
        await using PageSession session = await PageSession.OpenAsync(browser.Browser, this.host.Client.BaseAddress!, width: 375);
        IPage page = session.Page;
        string phone = TestHost.NewPhoneNumber();
        await StartAsync(page, phone);
        string wrong = Wrong(await ReadOutboxCodeAsync(page));
        await Expect(page.Locator("#countdown")).ToHaveTextAsync(CountdownPattern());

        // Act / Assert: each wrong answer says how many are left; the fourth ends it.
        foreach (string left in new[] { "3 attempts", "2 attempts", "1 attempt" })
        {
            await AnswerAsync(page, wrong);
            await Expect(page.Locator("#message[data-outcome=wrong]")).ToHaveTextAsync($"Wrong code, {left} left.");
        }

        await session.AssertNoHorizontalOverflowAsync();
        await AnswerAsync(page, wrong);
        await Expect(page.Locator("#message[data-outcome=failed]")).ToContainTextAsync("Too many attempts");
        await session.AssertNoHorizontalOverflowAsync();
        session.AssertClean();
    }

    [Fact]
    public async Task Verify_WindowPasses_ShowsExpired()
    {
        // Arrange: a host whose challenge window is 2 seconds.
        await using TestHost shortWindow = await TestHost.StartAsync(timeoutSeconds: 2);
        await using PageSession session = await PageSession.OpenAsync(browser.Browser, shortWindow.Client.BaseAddress!);
        IPage page = session.Page;

        // Act: nobody answers.
        await StartAsync(page, TestHost.NewPhoneNumber());

        // Assert
        await Expect(page.Locator("#message[data-outcome=expired]")).ToContainTextAsync("expired");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start over" })).ToBeVisibleAsync();
        session.AssertClean();
    }

    [Fact]
    public async Task Start_BadNumber_ShowsTheHostsReasonAndStartsNothing()
    {
        // Arrange
        await using PageSession session = await PageSession.OpenAsync(browser.Browser, this.host.Client.BaseAddress!);
        IPage page = session.Page;
        string before = await this.host.ListInstancesAsync();

        // Act
        await StartAsync(page, "425-555-0123");

        // Assert
        await Expect(page.Locator("#message")).ToContainTextAsync("That phone number was not accepted: The value is not a phone number in E.164 format");
        await Expect(page.GetByLabel("Code from the SMS", new() { Exact = true })).ToBeHiddenAsync();
        Assert.Equal(before, await this.host.ListInstancesAsync());
        session.AssertClean(400);
    }

    [Fact]
    public async Task Start_TooManyStartsForANumber_ShowsTryAgainLater()
    {
        // Arrange: this host allows one verification per number per window; the first is already under way.
        string phone = TestHost.NewPhoneNumber();
        await this.host.StartVerificationAsync(phone);
        await using PageSession session = await PageSession.OpenAsync(browser.Browser, this.host.Client.BaseAddress!);
        IPage page = session.Page;

        // Act
        await StartAsync(page, phone);

        // Assert
        await Expect(page.Locator("#message")).ToContainTextAsync("Too many codes requested for this number.");
        await Expect(page.Locator("#message")).ToContainTextAsync("Try again in");
        session.AssertClean(429);
    }

    internal static async Task StartAsync(IPage page, string phone)
    {
        await page.GotoAsync("/");
        await Expect(page.Locator("body[data-ready=true]")).ToBeAttachedAsync();
        await page.GetByLabel("Phone number", new() { Exact = true }).FillAsync(phone);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send code" }).ClickAsync();
    }

    internal static async Task<string> ReadOutboxCodeAsync(IPage page)
    {
        ILocator message = page.Locator("#outbox-message");
        await Expect(message).ToHaveTextAsync(OutboxPattern());
        return (await message.TextContentAsync())![^4..];
    }

    private static async Task AnswerAsync(IPage page, string code)
    {
        await page.GetByLabel("Code from the SMS", new() { Exact = true }).FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
    }

    /// <summary>A four-digit code that is not <paramref name="code"/>.</summary>
    internal static string Wrong(string code) =>
        ((int.Parse(code, CultureInfo.InvariantCulture) + 1) % 10000).ToString("D4", CultureInfo.InvariantCulture);

    [GeneratedRegex("^Your verification code is [0-9]{4}$")]
    private static partial Regex OutboxPattern();

    [GeneratedRegex("^[01]:[0-5][0-9]$")]
    private static partial Regex CountdownPattern();
}
