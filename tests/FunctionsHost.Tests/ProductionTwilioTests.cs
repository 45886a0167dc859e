using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>
/// Production: the SMS goes to Twilio's REST API at <c>TwilioApiBaseUrl</c> (here a fake Twilio on loopback) and
/// <c>/dev/outbox</c> does not exist.
/// </summary>
public sealed class ProductionTwilioTests : IAsyncLifetime
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private readonly List<(string Path, string Authorization, Dictionary<string, string> Form)> requests = [];
    private WebApplication twilio = null!;
    private TestHost host = null!;

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        this.twilio = builder.Build();
        this.twilio.MapPost("/2010-04-01/Accounts/{sid}/Messages.json", async (HttpContext context) =>
        {
            IFormCollection form = await context.Request.ReadFormAsync();
            lock (this.requests)
            {
                this.requests.Add((context.Request.Path, context.Request.Headers.Authorization.ToString(), form.ToDictionary(f => f.Key, f => f.Value.ToString())));
            }

            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsJsonAsync(new { sid = "SM0123456789abcdef0123456789abcdef", status = "queued" });
        });
        await this.twilio.StartAsync();
        string twilioUrl = this.twilio.Urls.First();

        this.host = await TestHost.StartAsync(
            environmentName: "Production",
            settings: new Dictionary<string, string?>
            {
                ["TwilioAccountSid"] = AccountSid,
                ["TwilioAuthToken"] = "test-auth-token",
                ["TwilioPhoneNumber"] = "+15005550006",
                ["TwilioApiBaseUrl"] = twilioUrl,
            });

        // Outside Development keys are enforced: the caller of HttpStart holds its function key, as on Azure.
        this.host.Client.DefaultRequestHeaders.Add("x-functions-key", TestKeys.Read(this.host).HttpStart);
    }

    public async Task DisposeAsync()
    {
        await this.host.DisposeAsync();
        await this.twilio.DisposeAsync();
    }

    [Fact]
    public async Task Start_Production_TextsThroughTwilioApiAndHasNoOutbox()
    {
        // Act
        string phone = TestHost.NewPhoneNumber();
        JObject payload = await this.host.StartVerificationAsync(phone);
        (string Path, string Authorization, Dictionary<string, string> Form) sent = await this.WaitForSmsAsync();
        using HttpResponseMessage outbox = await this.host.Client.GetAsync("/dev/outbox");

        // Assert
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Messages.json", sent.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(AccountSid + ":test-auth-token")), sent.Authorization);
        Assert.Equal(phone, sent.Form["To"]);
        Assert.Equal("+15005550006", sent.Form["From"]);
        Assert.Matches("^Your verification code is [0-9]{4}$", sent.Form["Body"]);
        Assert.Equal(HttpStatusCode.NotFound, outbox.StatusCode);

        // The texted code verifies the instance.
        await this.host.AnswerCodeAsync(payload, sent.Form["Body"][^4..]);
        (HttpStatusCode status, JObject body) = await this.host.WaitForEndAsync(payload);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((bool)body["output"]!);
    }

    private async Task<(string Path, string Authorization, Dictionary<string, string> Form)> WaitForSmsAsync()
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            lock (this.requests)
            {
                if (this.requests.Count > 0)
                {
                    return this.requests[0];
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "Twilio received no request.");
            await Task.Delay(50);
        }
    }
}
