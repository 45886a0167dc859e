using System.Net;
using System.Text;
using Durable.Testing.Twilio;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>
/// Production: the SMS goes to Twilio's REST API at <c>TwilioApiBaseUrl</c> (here a fake Twilio on loopback) and
/// <c>/dev/outbox</c> does not exist.
/// </summary>
public sealed class ProductionTwilioTests : IAsyncLifetime
{
    private const string AccountSid = FakeTwilioServer.AccountSid;
    private readonly FakeTwilioServer twilio = FakeTwilioServer.Start(authToken: "test-auth-token");
    private TestHost host = null!;

    public async Task InitializeAsync()
    {
        string twilioUrl = this.twilio.BaseUrl.ToString().TrimEnd('/');

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
        await this.twilio.WhenAcceptedAsync(phone).WaitAsync(TimeSpan.FromSeconds(30));
        FakeTwilioRequest sent = this.twilio.Requests.Single(r => r.Method == "POST");
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
}
