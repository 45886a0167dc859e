using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionsHost.Tests;

/// <summary>
/// Keys never reach a log, whatever the levels: a provider-specific override (as
/// <c>Logging__Console__LogLevel__Default=Information</c>) lifts the floor on ASP.NET Core's request lines, which then
/// show the URL with <c>code</c> redacted.
/// </summary>
public sealed class LogRedactionTests
{
    public static TheoryData<string, string> Overrides() => new()
    {
        { "Logging:Capture:LogLevel:Default", "Information" },
        { "Logging:Capture:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Trace" },
        { "Logging:LogLevel:Microsoft.AspNetCore.Hosting", "Debug" },
    };

    [Theory]
    [InlineData("GET http://h/instances/x?taskHub=H&code=SECRET-1_a&top=1", "GET http://h/instances/x?taskHub=H&code=[redacted]&top=1")]
    [InlineData("?CODE=SECRET", "?CODE=[redacted]")]
    [InlineData("code=SECRET", "code=[redacted]")]
    [InlineData("/x%3Fa%3D1%26code%3DSECRET", "/x%3Fa%3D1%26code%3D[redacted]")]
    [InlineData("x-functions-key: SECRET, accept: */*", "x-functions-key: [redacted], accept: */*")]
    [InlineData("{\"x-functions-key\": \"SECRET\"}", "{\"x-functions-key\": \"[redacted]\"}")]
    [InlineData("[x-functions-key, SECRET]", "[x-functions-key, [redacted]]")]
    [InlineData("the zipcode=12345 and barcode=9", "the zipcode=12345 and barcode=9")]
    public void Redact_TextWithKeys_HidesEveryKey(string text, string expected)
    {
        // Arrange, Act
        string redacted = FunctionsHost.Security.LogRedaction.Redact(text);

        // Assert
        Assert.Equal(expected, redacted);
    }

    [Theory]
    [MemberData(nameof(Overrides))]
    public async Task Requests_ProviderSpecificLogLevels_LogNoKey(string setting, string level)
    {
        // Arrange
        LogCapture logs = new();
        await using TestHost host = await TestHost.StartAsync(
            settings: new Dictionary<string, string?> { ["FunctionsHostEnableAuth"] = "true", [setting] = level },
            configure: options => options.ConfigureServices = services => services.AddSingleton<ILoggerProvider>(logs));
        TestKeys keys = TestKeys.Read(host);

        // Act: keys in the query (right and almost right) and in the header.
        using HttpResponseMessage list = await host.Client.GetAsync($"{TestHost.WebhookBase}/instances?top=1&code={keys.System}");
        using HttpResponseMessage wrong = await host.Client.GetAsync($"{TestHost.WebhookBase}/instances?CODE={keys.Master[..20]}&top=1");
        using HttpResponseMessage started = await host.PostJsonAsync($"/orchestrators/E4_SmsPhoneVerification?code={keys.HttpStart}", $"\"{TestHost.NewPhoneNumber()}\"");
        using HttpRequestMessage withHeader = new(HttpMethod.Get, $"{TestHost.WebhookBase}/instances?top=1");
        withHeader.Headers.Add("x-functions-key", keys.Master);
        using HttpResponseMessage header = await host.Client.SendAsync(withHeader);

        // Assert
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        IReadOnlyList<LogCapture.Entry> entries = logs.Entries;
        Assert.Contains(entries, e => e.Category == "Microsoft.AspNetCore.Hosting.Diagnostics" && e.Message.Contains("code=", StringComparison.OrdinalIgnoreCase));
        foreach (LogCapture.Entry entry in entries)
        {
            string text = entry.ToString();
            foreach ((string name, string secret) in new[] { ("master key", keys.Master[..20]), ("system key", keys.System), ("HttpStart key", keys.HttpStart) })
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"The {name} is in a log entry: {text}");
            }
        }
    }

    [Fact]
    public void Log_ExceptionWhoseTextHoldsKeys_WrittenWithTheKeysHidden()
    {
        // Arrange: an exception (and its inner one) whose own text carries keys, as a URL in an HTTP client's error does.
        LogCapture logs = new();
        using ILoggerFactory factory = new FunctionsHost.Security.RedactingLoggerFactory(LoggerFactory.Create(b => b.AddProvider(logs)));
        ILogger logger = factory.CreateLogger("Test");
        InvalidOperationException error = new(
            "GET http://h/api/x?code=OUTER-SECRET failed",
            new HttpRequestException("x-functions-key: INNER-SECRET was refused"));

        // Act
        logger.LogError(error, "The call failed");

        // Assert: the entry keeps what went wrong (types, the redacted messages), never a key.
        LogCapture.Entry entry = Assert.Single(logs.Entries);
        Assert.DoesNotContain("OUTER-SECRET", entry.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("INNER-SECRET", entry.ToString(), StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException: GET http://h/api/x?code=[redacted] failed", entry.Exception, StringComparison.Ordinal);
        Assert.Contains("System.Net.Http.HttpRequestException: x-functions-key: [redacted] was refused", entry.Exception, StringComparison.Ordinal);
    }
}
