using FunctionsHost.Tests;
using Microsoft.Playwright;
using Newtonsoft.Json.Linq;
using static Microsoft.Playwright.Assertions;

namespace FunctionsHost.BrowserTests;

/// <summary>The dashboard on a host that enforces keys: nothing is shown until the master or system key is given.</summary>
[Collection(BrowserCollection.Name)]
public sealed class KeyPromptTests(BrowserFixture browser)
{
    [Fact]
    public async Task Dashboard_KeysEnforced_RefusesWrongKeyThenListsWithSystemKey()
    {
        // Arrange: keys enforced even on loopback; one instance started with HttpStart's own key.
        await using TestHost host = await TestHost.StartAsync(settings: new Dictionary<string, string?> { ["FunctionsHostEnableAuth"] = "true" });
        TestKeys keys = TestKeys.Read(host);
        using HttpRequestMessage start = new(HttpMethod.Post, "/orchestrators/E4_SmsPhoneVerification")
        {
            Content = new StringContent($"\"{TestHost.NewPhoneNumber()}\"", System.Text.Encoding.UTF8, "application/json"),
        };
        start.Headers.Add("x-functions-key", keys.HttpStart);
        using HttpResponseMessage started = await host.Client.SendAsync(start);
        string id = (string)JObject.Parse(await started.Content.ReadAsStringAsync())["id"]!;
        await using PageSession session = await PageSession.OpenAsync(browser.Browser, host.Client.BaseAddress!);
        IPage page = session.Page;

        // Act 1: open it; then try a wrong key (HttpStart's function key is not enough for the management API).
        await page.GotoAsync("/dashboard/");
        await Expect(page.GetByLabel("Master or system key")).ToBeVisibleAsync();
        await Expect(page.Locator("#list-view")).ToBeHiddenAsync();
        await page.GetByLabel("Master or system key").FillAsync(keys.HttpStart);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();

        // Assert 1: refused, nothing listed, the key not kept.
        await Expect(page.Locator("#key-error")).ToHaveTextAsync("That key was refused. Use the master key or the durabletask_extension system key from the keys file.");
        await Expect(page.Locator("#instances tbody tr")).ToHaveCountAsync(0);
        Assert.Equal(0, await page.EvaluateAsync<int>("() => sessionStorage.length + localStorage.length"));

        // Act 2: the system key.
        await page.GetByLabel("Master or system key").FillAsync(keys.System);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();

        // Assert 2: the list, and the key kept for this tab only.
        await Expect(page.Locator($"#instances tr[data-instance-id='{id}']")).ToBeVisibleAsync();
        Assert.Equal(keys.System, await page.EvaluateAsync<string>("() => sessionStorage.getItem('functionsHost.dashboardKey')"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length"));

        // Act 3: a reload keeps the tab's key; "Forget key" drops it and hides the data again.
        await page.ReloadAsync();
        await Expect(page.Locator($"#instances tr[data-instance-id='{id}']")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Forget key" }).ClickAsync();
        await Expect(page.Locator("#list-view")).ToBeHiddenAsync();
        Assert.Equal(0, await page.EvaluateAsync<int>("() => sessionStorage.length"));
        session.AssertClean(401);
    }

    [Fact]
    public async Task VerificationPage_KeysEnforced_AsksForTheFunctionKey()
    {
        // Arrange: the page enabled on a host that enforces keys (HttpStart needs a function key there).
        await using TestHost host = await TestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["FunctionsHostEnableAuth"] = "true",
        });
        TestKeys keys = TestKeys.Read(host);
        await using PageSession session = await PageSession.OpenAsync(browser.Browser, host.Client.BaseAddress!);
        IPage page = session.Page;

        // Act: start with the function key; the outbox is not shown (it needs the master key).
        await page.GotoAsync("/");
        await page.GetByLabel("Function key").FillAsync(keys.HttpStart);
        await page.GetByLabel("Phone number", new() { Exact = true }).FillAsync(TestHost.NewPhoneNumber());
        await page.GetByRole(AriaRole.Button, new() { Name = "Send code" }).ClickAsync();

        // Assert: the code form with its countdown, through the links' own instance code.
        await Expect(page.GetByLabel("Code from the SMS", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("#outbox")).ToBeHiddenAsync();
        session.AssertClean();
    }
}
