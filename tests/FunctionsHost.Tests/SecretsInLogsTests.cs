using System.Net;
using System.Text.RegularExpressions;
using Durable.Testing.Twilio;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>
/// A whole production verification with every log category at Trace (ASP.NET Core's request logging included):
/// no log entry holds a key, a link code, the Twilio auth token, the verification code, or the full phone number.
/// </summary>
public sealed class SecretsInLogsTests : IAsyncLifetime
{
    private const string AuthToken = "auth-token-that-must-never-be-logged";
    private readonly LogCapture logs = new();
    private readonly FakeTwilioServer twilio = FakeTwilioServer.Start(authToken: AuthToken);
    private TestHost host = null!;

    public async Task InitializeAsync()
    {

        this.host = await TestHost.StartAsync(
            environmentName: "Production",
            settings: new Dictionary<string, string?>
            {
                ["TwilioAccountSid"] = FakeTwilioServer.AccountSid,
                ["TwilioAuthToken"] = AuthToken,
                ["TwilioPhoneNumber"] = "+15005550006",
                ["TwilioApiBaseUrl"] = this.twilio.BaseUrl.ToString(),
                ["AzureFunctionsJobHost:logging:logLevel:default"] = "Trace",
                ["AzureFunctionsJobHost:logging:logLevel:Microsoft.AspNetCore"] = "Trace",
                ["AzureFunctionsJobHost:logging:logLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
            },
            configure: options => options.ConfigureServices = services => services.AddSingleton<ILoggerProvider>(this.logs));
    }

    public async Task DisposeAsync()
    {
        await this.host.DisposeAsync();
        await this.twilio.DisposeAsync();
    }

    [Fact]
    public async Task ProductionFlow_LogsNoSecretAndNoFullPhoneNumber()
    {
        // Arrange
        TestKeys keys = TestKeys.Read(this.host);
        string phone = TestHost.NewPhoneNumber();

        // Act: a refused call with a wrong key, then a wrong and a right answer, and an operator's look at the history.
        using HttpResponseMessage refused = await this.host.PostJsonAsync("/orchestrators/E4_SmsPhoneVerification?code=wrong-" + keys.Master[..10], $"\"{phone}\"");
        using HttpResponseMessage started = await this.host.PostJsonAsync("/orchestrators/E4_SmsPhoneVerification?code=" + keys.HttpStart, $"\"{phone}\"");
        JObject payload = JObject.Parse(await started.Content.ReadAsStringAsync());
        await this.twilio.WhenAcceptedAsync(phone).WaitAsync(TimeSpan.FromSeconds(30));
        string code = this.twilio.AcceptedFor(phone)[0].Code;
        string wrong = ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 10000).ToString("0000", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.Accepted, await this.host.AnswerAsync(payload, $"\"{wrong}\""));
        await this.host.AnswerCodeAsync(payload, code);
        (HttpStatusCode status, JObject body) = await this.host.WaitForEndAsync(payload);
        using HttpResponseMessage history = await this.host.Client.GetAsync($"{TestHost.WebhookBase}/instances/{payload["id"]}?showHistory=true&showHistoryOutput=true&code={keys.System}");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((bool)body["output"]!);
        Assert.Equal(HttpStatusCode.OK, history.StatusCode);
        string linkCode = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri((string)payload["statusQueryGetUri"]!).Query)["code"].Single()!;
        IReadOnlyList<LogCapture.Entry> entries = this.logs.Entries;
        Assert.True(entries.Count > 20, $"only {entries.Count} log entries: the capture is not working");
        Assert.Contains(entries, e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        foreach (LogCapture.Entry entry in entries)
        {
            string text = entry.ToString();
            foreach ((string name, string secret) in new[] { ("master key", keys.Master), ("system key", keys.System), ("host function key", keys.HostFunction), ("HttpStart key", keys.HttpStart), ("link code", linkCode), ("auth token", AuthToken), ("full phone number", phone[1..]) })
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"The {name} is in a log entry: {text}");
            }

            Assert.False(Regex.IsMatch(text, $@"(?<![0-9A-Za-z]){code}(?![0-9A-Za-z])"), $"The verification code {code} is in a log entry: {text}");
            Assert.False(Regex.IsMatch(text, $@"(?<![0-9A-Za-z]){wrong}(?![0-9A-Za-z])"), $"An answer ({wrong}) is in a log entry: {text}");
        }
    }
}
