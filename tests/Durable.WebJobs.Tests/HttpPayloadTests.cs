using Durable.WebJobs.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Newtonsoft.Json.Linq;

namespace Durable.WebJobs.Tests;

/// <summary>The management payload's URLs (every one Durable Functions hands out) and the error bodies of the HTTP API.</summary>
public sealed class HttpPayloadTests
{
    private const string Query = "?taskHub=TestHub&connection=Storage";

    [Fact]
    public async Task CreateHttpManagementPayload_CarriesEveryUrl_WithTheWebhookQuery()
    {
        await using DurableJobHost host = await DurableJobHost.StartAsync(options =>
            options.WebhookUriProviderOverride = () => new Uri("https://app.example.com/runtime/webhooks/durabletask?code=SYSTEMKEY"));

        HttpManagementPayload payload = JobHostIntegrationTests.ClientOf(host).CreateHttpManagementPayload("id 1");

        // The id is escaped as a path segment (space %20), which the API decodes once back to "id 1".
        const string Instance = "https://app.example.com/runtime/webhooks/durabletask/instances/id%201";
        const string Qs = "taskHub=TestHub&connection=Storage&code=SYSTEMKEY";
        Assert.Equal("id 1", payload.Id);
        Assert.Equal($"{Instance}?{Qs}", payload.StatusQueryGetUri);
        Assert.Equal($"{Instance}/raiseEvent/{{eventName}}?{Qs}", payload.SendEventPostUri);
        Assert.Equal($"{Instance}/terminate?reason={{text}}&{Qs}", payload.TerminatePostUri);
        Assert.Equal($"{Instance}?{Qs}", payload.PurgeHistoryDeleteUri);
        Assert.Equal($"{Instance}/restart?{Qs}", payload.RestartPostUri);
        Assert.Equal($"{Instance}/suspend?reason={{text}}&{Qs}", payload.SuspendPostUri);
        Assert.Equal($"{Instance}/resume?reason={{text}}&{Qs}", payload.ResumePostUri);
        Assert.Equal($"{Instance}/rewind?reason={{text}}&{Qs}", payload.RewindPostUri);
    }

    [Fact]
    public async Task CreateHttpManagementPayload_WithAuthorizer_CarriesItsCodeForTheInstance()
    {
        await using DurableJobHost host = await DurableJobHost.StartAsync(
            options => options.WebhookUriProviderOverride = () => new Uri("http://localhost:7071/runtime/webhooks/durabletask?code=IGNORED"),
            services => services.Replace(ServiceDescriptor.Singleton<IDurableHttpAuthorizer>(new PrefixAuthorizer())));

        HttpManagementPayload payload = JobHostIntegrationTests.ClientOf(host).CreateHttpManagementPayload("abc");

        Assert.Equal("http://localhost:7071/runtime/webhooks/durabletask/instances/abc" + Query + "&code=code-for-abc", payload.StatusQueryGetUri);
        Assert.DoesNotContain("IGNORED", payload.ResumePostUri, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_ServerError_HidesExceptionOutsideDevelopment()
    {
        InvalidOperationException failure = Thrown(new InvalidOperationException("connection string Password=secret"));

        JObject production = DurableJson.Error(500, "Something went wrong while processing your request", null, failure, details: false);
        JObject development = DurableJson.Error(500, "Something went wrong while processing your request", null, failure, details: true);

        Assert.Equal(["error", "status", "Message"], production.Properties().Select(p => p.Name));
        Assert.Equal("connection string Password=secret", (string?)development["ExceptionMessage"]);
        Assert.Equal(typeof(InvalidOperationException).FullName, (string?)development["ExceptionType"]);
        Assert.Contains(nameof(Thrown), (string?)development["StackTrace"], StringComparison.Ordinal);
    }

    [Fact]
    public void Error_ClientError_NamesFieldAndSaysWhatIsWrong_WithoutStack()
    {
        JObject error = DurableJson.Error(400, "Invalid JSON content", "body", Thrown(new FormatException("Unexpected character at position 3.")), details: false);

        Assert.Equal("body", (string?)error["field"]);
        Assert.Equal(400, (int)error["status"]!);
        Assert.Equal("Unexpected character at position 3.", (string?)error["ExceptionMessage"]);
        Assert.Null(error["StackTrace"]);
        Assert.Null(error["ExceptionType"]);
    }

    private static T Thrown<T>(T exception)
        where T : Exception
    {
        try
        {
            throw exception;
        }
        catch (T caught)
        {
            return caught;
        }
    }

    private sealed class PrefixAuthorizer : IDurableHttpAuthorizer
    {
        public DurableHttpAccess Authorize(HttpRequest request, string? instanceId) => DurableHttpAccess.Full;

        public string? LinkCode(string instanceId) => "code-for-" + instanceId;
    }
}
