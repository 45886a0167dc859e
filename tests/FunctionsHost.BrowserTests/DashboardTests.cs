using FunctionsHost.Tests;
using Microsoft.Playwright;
using Newtonsoft.Json.Linq;
using static Microsoft.Playwright.Assertions;

namespace FunctionsHost.BrowserTests;

/// <summary>The dashboard at <c>/dashboard/</c> on a Development host (no keys), reading everything through the management API.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardTests(BrowserFixture browser, DevHostFixture hostFixture) : IClassFixture<DevHostFixture>
{
    private readonly TestHost host = hostFixture.Host;

    [Fact]
    public async Task Dashboard_FinishedVerification_ListedWithTimelineOfItsAnswers()
    {
        // Arrange: one verification answered wrong, then right.
        string phone = TestHost.NewPhoneNumber();
        JObject payload = await this.host.StartVerificationAsync(phone);
        string id = (string)payload["id"]!;
        string code = await this.host.ReadCodeAsync(phone);
        await this.host.WaitForTimerAsync(id);
        await this.host.AnswerAsync(payload, $"\"{VerificationPageTests.Wrong(code)}\"");
        await this.host.AnswerCodeAsync(payload, code);
        await this.host.WaitForEndAsync(payload);
        await using PageSession session = await PageSession.OpenAsync(browser.Browser, this.host.Client.BaseAddress!);
        IPage page = session.Page;

        // Act
        await page.GotoAsync("/dashboard/");

        // Assert: the list row, still there when only Completed is shown, then the instance's timeline.
        ILocator row = page.Locator($"#instances tr[data-instance-id='{id}']");
        await Expect(row).ToContainTextAsync("Completed");
        await Expect(row).ToContainTextAsync(phone);
        await session.ScreenshotAsync("dashboard-list.png");
        await page.Locator("#status-buttons button[data-status=Completed]").ClickAsync();
        await Expect(page.Locator("#status-buttons button[data-status=Completed]")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("#instances tbody tr").Filter(new() { HasNotText = "Completed" })).ToHaveCountAsync(0);
        await Expect(row).ToBeVisibleAsync();
        await row.GetByRole(AriaRole.Link, new() { Name = id }).ClickAsync();
        await Expect(page.Locator("#d-status")).ToHaveTextAsync("Completed");
        await Expect(page.Locator("#timeline tr[data-answer=wrong]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#timeline tr[data-answer=right]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#timeline tbody")).ToContainTextAsync("E4_SendSmsChallenge: scheduled at");
        await Expect(page.Locator("#timeline tbody")).ToContainTextAsync("challenge window opens");
        await Expect(page.Locator("#timeline-chart .mark.right")).ToHaveCountAsync(1);
        await Expect(page.Locator("#timeline-chart .mark.wrong")).ToHaveCountAsync(1);
        await Expect(page.Locator("#d-output")).ToHaveTextAsync("true");
        await Expect(page.Locator("#timeline tbody")).ToContainTextAsync("Completed, output true");
        await Expect(page.Locator("#timeline tbody")).Not.ToContainTextAsync(code + ",");
        await session.ScreenshotAsync("dashboard-instance.png");
        session.AssertClean();
    }

    [Fact]
    public async Task Dashboard_RaiseEventOnOneTerminateAnother_BothReachTheInstances()
    {
        // Arrange: two verifications waiting for their answers.
        string phone = TestHost.NewPhoneNumber();
        JObject answered = await this.host.StartVerificationAsync(phone);
        JObject terminated = await this.host.StartVerificationAsync(TestHost.NewPhoneNumber());
        string code = await this.host.ReadCodeAsync(phone);
        await this.host.WaitForTimerAsync((string)answered["id"]!);
        await this.host.WaitForTimerAsync((string)terminated["id"]!);
        await using PageSession session = await PageSession.OpenAsync(browser.Browser, this.host.Client.BaseAddress!);
        IPage page = session.Page;

        // Act 1: raise a wrong answer, after the JSON editor refused text that is not JSON.
        await page.GotoAsync("/dashboard/#/instances/" + answered["id"]);
        await Expect(page.Locator("#d-status")).ToHaveTextAsync("Running");
        await page.GetByRole(AriaRole.Button, new() { Name = "Raise event…" }).ClickAsync();
        ILocator dialog = page.Locator("#dialog");
        await Expect(dialog.GetByLabel("Event name")).ToHaveValueAsync("SmsChallengeResponse");
        await dialog.GetByLabel("Event data (JSON)").FillAsync("12 34");
        await Expect(dialog.Locator("#dialog-error")).ToContainTextAsync("not valid JSON");
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Raise event" })).ToBeDisabledAsync();
        await dialog.GetByLabel("Event data (JSON)").FillAsync($"\"{VerificationPageTests.Wrong(code)}\"");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Raise event" }).ClickAsync();

        // Assert 1: the answer reached the instance and the timeline shows it as wrong (live refresh).
        await Expect(page.Locator("#notice")).ToContainTextAsync("Event SmsChallengeResponse raised");
        await Expect(page.Locator("#timeline tr[data-answer=wrong]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#d-custom")).ToContainTextAsync("\"attemptsLeft\": 3");

        // Act 2: terminate the other one, with a reason.
        await page.GotoAsync("/dashboard/#/instances/" + terminated["id"]);
        await Expect(page.Locator("#d-id")).ToHaveTextAsync((string)terminated["id"]!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Terminate…" }).ClickAsync();
        await dialog.GetByLabel("Reason (optional)").FillAsync("test");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Terminate", Exact = true }).ClickAsync();

        // Assert 2
        await Expect(page.Locator("#d-status")).ToHaveTextAsync("Terminated");
        (_, JObject end) = await this.host.WaitForEndAsync(terminated);
        Assert.Equal("Terminated", (string?)end["runtimeStatus"]);
        Assert.Equal("Running", (string?)TestHost.Parse(await this.host.Client.GetStringAsync(TestHost.WebhookBase + "/instances/" + answered["id"]))["runtimeStatus"]);
        session.AssertClean();
    }

    [Fact]
    public async Task Dashboard_SuspendResumeTerminateRestartPurge_EachConfirmedByKeyboard()
    {
        // Arrange
        string phone = TestHost.NewPhoneNumber();
        JObject payload = await this.host.StartVerificationAsync(phone);
        string id = (string)payload["id"]!;
        await this.host.WaitForTimerAsync(id);
        await using PageSession session = await PageSession.OpenAsync(browser.Browser, this.host.Client.BaseAddress!);
        IPage page = session.Page;
        await page.GotoAsync("/dashboard/#/instances/" + id);
        await Expect(page.Locator("#d-status")).ToHaveTextAsync("Running");
        ILocator dialog = page.Locator("#dialog");

        // Act / Assert: Escape cancels and changes nothing; Enter in the dialog confirms.
        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend…" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.Locator("#d-status")).ToHaveTextAsync("Running");

        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend…" }).ClickAsync();
        await dialog.GetByLabel("Reason (optional)").PressAsync("Enter");
        await Expect(page.Locator("#d-status")).ToHaveTextAsync("Suspended");

        await page.GetByRole(AriaRole.Button, new() { Name = "Resume…" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Resume", Exact = true }).ClickAsync();
        await Expect(page.Locator("#d-status")).ToHaveTextAsync("Running");

        await page.GetByRole(AriaRole.Button, new() { Name = "Terminate…" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Terminate", Exact = true }).ClickAsync();
        await Expect(page.Locator("#d-status")).ToHaveTextAsync("Terminated");

        // Restart starts a new instance with the same input and shows it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Restart…" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Restart", Exact = true }).ClickAsync();
        await Expect(page.Locator("#d-id")).Not.ToHaveTextAsync(id);
        await Expect(page.Locator("#d-input")).ToHaveTextAsync($"\"{phone}\"");

        // Purge the terminated one.
        await page.GotoAsync("/dashboard/#/instances/" + id);
        await Expect(page.Locator("#d-status")).ToHaveTextAsync("Terminated");
        await page.GetByRole(AriaRole.Button, new() { Name = "Purge…" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Purge", Exact = true }).ClickAsync();
        await Expect(page.Locator("#list-view")).ToBeVisibleAsync();
        using HttpResponseMessage gone = await this.host.Client.GetAsync(TestHost.WebhookBase + "/instances/" + id);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
        session.AssertClean();
    }

    [Fact]
    public async Task Dashboard_PurgeByFilter_PreviewsCountThenPurgesOnlyFinished()
    {
        // Arrange: a host of its own (its store holds only this test's instances): two finished, one running.
        await using TestHost purgeHost = await TestHost.StartAsync(timeoutSeconds: 60);
        JObject running = await purgeHost.StartVerificationAsync(TestHost.NewPhoneNumber());
        foreach (int _ in Enumerable.Range(0, 2))
        {
            JObject finished = await purgeHost.StartVerificationAsync(TestHost.NewPhoneNumber());
            await purgeHost.WaitForTimerAsync((string)finished["id"]!);
            using HttpResponseMessage terminate = await purgeHost.Client.PostAsync(((string)finished["terminatePostUri"]!).Replace("{text}", "done", StringComparison.Ordinal), null);
            await purgeHost.WaitForEndAsync(finished);
        }

        await using PageSession session = await PageSession.OpenAsync(browser.Browser, purgeHost.Client.BaseAddress!, width: 375);
        IPage page = session.Page;
        await page.GotoAsync("/dashboard/");
        await Expect(page.Locator("#instances tbody tr").Filter(new() { HasText = "Terminated" })).ToHaveCountAsync(2);
        await Expect(page.Locator("#instances tbody tr")).ToHaveCountAsync(3);
        await ExpectCountsAsync(page, all: 3, running: 1, terminated: 2);
        await session.AssertNoHorizontalOverflowAsync();

        // Act: preview, then purge.
        await page.GetByRole(AriaRole.Button, new() { Name = "Purge by filter…" }).ClickAsync();
        ILocator dialog = page.Locator("#dialog");
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Purge", Exact = true })).ToBeDisabledAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("2 finished instances match this filter.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Purge 2 instances" }).ClickAsync();

        // Assert: the finished ones are gone (the status buttons count them no more), the running one is untouched.
        await Expect(page.Locator("#notice")).ToHaveTextAsync("Purged 2 instances.");
        await Expect(page.Locator("#instances tbody tr")).ToHaveCountAsync(1);
        await ExpectCountsAsync(page, all: 1, running: 1, terminated: 0);
        JArray left = JArray.Parse(await purgeHost.Client.GetStringAsync(TestHost.WebhookBase + "/instances"));
        Assert.Equal([(string)running["id"]!], left.Select(i => (string)i["instanceId"]!));
        session.AssertClean();
    }

    [Fact]
    public async Task Dashboard_26Instances_PagesOf25NewestFirstOrderedByTheHost()
    {
        // Arrange: a host of its own holding 26 instances started one after another, so created times increase.
        await using TestHost pagingHost = await TestHost.StartAsync(timeoutSeconds: 60);
        List<string> ids = [.. Enumerable.Range(0, 26).Select(i => $"paging-{i:D2}")];
        foreach (string id in ids)
        {
            using HttpResponseMessage started = await pagingHost.PostJsonAsync($"{TestHost.WebhookBase}/orchestrators/E4_SmsPhoneVerification/{id}", $"\"{TestHost.NewPhoneNumber()}\"");
            Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
        }

        await using PageSession session = await PageSession.OpenAsync(browser.Browser, pagingHost.Client.BaseAddress!);
        IPage page = session.Page;
        ILocator idCells = page.Locator("#instances tbody tr td:first-child");
        await page.GotoAsync("/dashboard/");
        await Expect(page.Locator("#instances tbody tr")).ToHaveCountAsync(25);
        await ExpectCountsAsync(page, all: 26, running: 26, terminated: 0);
        string[] first = [.. await idCells.AllTextContentsAsync()];

        // Act
        await page.Locator("#next").ClickAsync();

        // Assert: the newest 25 first, then the oldest alone on page 2, and back.
        Assert.Equal(ids.Skip(1).Reverse(), first);
        await Expect(page.Locator("#page-label")).ToHaveTextAsync("Page 2");
        await Expect(idCells).ToHaveTextAsync(["paging-00"]);
        await Expect(page.Locator("#next")).ToBeDisabledAsync();
        await page.Locator("#prev").ClickAsync();
        await Expect(page.Locator("#page-label")).ToHaveTextAsync("Page 1");
        await Expect(idCells).ToHaveTextAsync([.. ids.Skip(1).Reverse()]);
        session.AssertClean();
    }

    [Fact]
    public async Task Dashboard_InstanceStartedWhileOpen_AppearsWithoutReload()
    {
        // Arrange: the page open on a list that already holds an instance.
        await this.host.StartVerificationAsync(TestHost.NewPhoneNumber());
        await using PageSession session = await PageSession.OpenAsync(browser.Browser, this.host.Client.BaseAddress!);
        IPage page = session.Page;
        await page.GotoAsync("/dashboard/");
        await Expect(page.Locator("#list-info")).ToContainTextAsync("newest first");

        // Act
        JObject payload = await this.host.StartVerificationAsync(TestHost.NewPhoneNumber());

        // Assert: live refresh brings it in, and the list stays newest first (created times have whole seconds, so
        // instances of the same second may come in either order).
        await Expect(page.Locator($"#instances tr[data-instance-id='{payload["id"]}']")).ToBeVisibleAsync();
        string[] created = [.. await page.Locator("#instances tbody tr td:nth-child(4)").AllTextContentsAsync()];
        Assert.True(created.Length >= 2);
        Assert.Equal(created.OrderDescending(StringComparer.Ordinal), created);
        session.AssertClean();
    }

    [Fact]
    public async Task Dashboard_PhoneWidth_NoHorizontalScrollOnInstancePage()
    {
        // Arrange
        JObject payload = await this.host.StartVerificationAsync(TestHost.NewPhoneNumber());
        await this.host.WaitForTimerAsync((string)payload["id"]!);
        await using PageSession session = await PageSession.OpenAsync(browser.Browser, this.host.Client.BaseAddress!, width: 375);
        IPage page = session.Page;

        // Act
        await page.GotoAsync("/dashboard/#/instances/" + payload["id"]);

        // Assert
        await Expect(page.Locator("#timeline tbody")).ToContainTextAsync("challenge window opens");
        await session.AssertNoHorizontalOverflowAsync();
        Assert.Equal("Running", await page.Locator("#d-status").TextContentAsync());
        session.AssertClean();
    }

    /// <summary>The status buttons show the host's counts per status (All: every instance; statuses with none: 0).</summary>
    private static async Task ExpectCountsAsync(IPage page, int all, int running, int terminated)
    {
        ILocator buttons = page.Locator("#status-buttons");
        await Expect(buttons.Locator("button[data-status=''] .count")).ToHaveTextAsync(all.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(buttons.Locator("button[data-status=Running] .count")).ToHaveTextAsync(running.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(buttons.Locator("button[data-status=Terminated] .count")).ToHaveTextAsync(terminated.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(buttons.Locator("button[data-status=Failed] .count")).ToHaveTextAsync("0");
    }
}
