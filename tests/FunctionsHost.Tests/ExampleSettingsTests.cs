using System.Net;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>A newcomer's first run: local.settings.json.example copied as it is, in Development.</summary>
public sealed class ExampleSettingsTests
{
    [Fact]
    public async Task Flow_ExampleSettingsCopiedAsIs_CompletesWithOutputTrue()
    {
        // Arrange: the example's blank Twilio settings must mean "unset" (outbox, test sender), not "set but empty".
        string example = Path.Combine(TestHost.RepositoryRoot(), "local.settings.json.example");
        await using TestHost host = await TestHost.StartAsync(configure: options =>
        {
            File.Copy(example, Path.Combine(options.ScriptRoot!, "local.settings.json"));
            foreach (string name in new[] { "TwilioAccountSid", "TwilioAuthToken", "TwilioPhoneNumber", "SmsChallengeTimeoutSeconds", "SmsChallengeMaxAttempts" })
            {
                options.Settings.Remove(name);
            }
        });
        string phone = TestHost.NewPhoneNumber();
        JObject payload = await host.StartVerificationAsync(phone);
        string code = await host.ReadCodeAsync(phone);

        // Act
        await host.AnswerCodeAsync(payload, code);
        (HttpStatusCode status, JObject body) = await host.WaitForEndAsync(payload);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Completed", (string?)body["runtimeStatus"]);
        Assert.True((bool)body["output"]!);
    }
}
