using System.Globalization;
using System.Net;
using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>
/// <c>GET /metrics</c> on the real host (Development, so on by default and keys not enforced on loopback), scraped after a
/// few verifications: the counters say how many started and how each ended. Serial: a meter provider counts every meter
/// of a name in the process, so no other test's flows may run meanwhile.
/// </summary>
[Collection(nameof(SerialTestCollection))]
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Scrape_AfterVerifiedAndWrongCodeFlows_CountsStartsOutcomesActivitiesAndRoutes()
    {
        // Arrange
        await using TestHost host = await TestHost.StartAsync(timeoutSeconds: 300);

        // Act: one verified after a wrong code, one that used all four attempts on wrong codes.
        string verifiedPhone = TestHost.NewPhoneNumber();
        JObject verified = await host.StartVerificationAsync(verifiedPhone);
        string code = await host.ReadCodeAsync(verifiedPhone);
        await host.AnswerCodeAsync(verified, Wrong(code));
        await host.AnswerCodeAsync(verified, code);
        string wrongPhone = TestHost.NewPhoneNumber();
        JObject wrong = await host.StartVerificationAsync(wrongPhone);
        string wrongCode = Wrong(await host.ReadCodeAsync(wrongPhone));
        for (int i = 0; i < 4; i++)
        {
            await host.AnswerCodeAsync(wrong, wrongCode);
        }

        Assert.True((bool)(await host.WaitForEndAsync(verified)).Body["output"]!);
        Assert.False((bool)(await host.WaitForEndAsync(wrong)).Body["output"]!);
        // The outcome is counted just after the final commit, so a scrape may briefly trail the status: poll, bounded.
        string text = await host.Client.GetStringAsync("/metrics");
        using CancellationTokenSource patience = new(TimeSpan.FromSeconds(30));
        while (PrometheusText.Sum(text, "phoneverification_verifications_ended_total") < 2 && !patience.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
            text = await host.Client.GetStringAsync("/metrics");
        }

        // Assert
        Assert.Equal(2, PrometheusText.Sum(text, "phoneverification_verifications_started_total"));
        Assert.Equal(1, PrometheusText.Sum(text, "phoneverification_verifications_ended_total", "outcome=\"verified\"", "wrong_codes=\"1\""));
        Assert.Equal(1, PrometheusText.Sum(text, "phoneverification_verifications_ended_total", "outcome=\"wrong_code\"", "wrong_codes=\"4\""));
        Assert.Equal(2, PrometheusText.Sum(text, "phoneverification_verifications_ended_total"));
        Assert.Equal(2, PrometheusText.Sum(text, "durable_orchestrations_started_total", "durable_function_name=\"E4_SmsPhoneVerification\""));
        Assert.Equal(2, PrometheusText.Sum(text, "durable_orchestrations_finished_total", "durable_runtime_status=\"Completed\""));
        Assert.Equal(2, PrometheusText.Sum(text, "durable_activity_duration_seconds_count", "durable_function_name=\"E4_SendSmsChallenge\"", "result=\"completed\""));
        Assert.True(PrometheusText.Sum(text, "durable_episode_duration_seconds_count", "result=\"committed\"") >= 4, text);
        Assert.True(PrometheusText.Sum(text, "durable_store_commit_duration_seconds_count", "kind=\"orchestration\"") >= 4, text);
        Assert.Equal(0, PrometheusText.Sum(text, "durable_work_items_parked_total"));
        Assert.Equal(2, PrometheusText.Sum(text, "http_server_request_duration_seconds_count", "http_route=\"/orchestrators/{functionName}\"", "http_response_status_code=\"202\""));
        Assert.Equal(6, PrometheusText.Sum(text, "http_server_request_duration_seconds_count", "http_route=\"/runtime/webhooks/durabletask/{**path}\"", "http_request_method=\"POST\"", "http_response_status_code=\"202\""));
    }

    [Fact]
    public async Task Scrape_AfterExpiredFlow_CountsExpiredAndTimerLateness()
    {
        // Arrange
        await using TestHost host = await TestHost.StartAsync(timeoutSeconds: 1);

        // Act
        string phone = TestHost.NewPhoneNumber();
        JObject expired = await host.StartVerificationAsync(phone);
        Assert.False((bool)(await host.WaitForEndAsync(expired)).Body["output"]!);
        string text = await ScrapeUntilAsync(host, "phoneverification_verifications_ended_total", 1);

        // Assert
        Assert.Equal(1, PrometheusText.Sum(text, "phoneverification_verifications_ended_total", "outcome=\"expired\"", "wrong_codes=\"0\""));
        Assert.Equal(1, PrometheusText.Sum(text, "phoneverification_verifications_ended_total"));
        Assert.Equal(1, PrometheusText.Sum(text, "durable_timer_lateness_seconds_count"));
    }

    /// <summary>
    /// Scrapes until <paramref name="metric"/> reaches <paramref name="atLeast"/> (bounded): an instance's status shows
    /// Completed as soon as its final episode commits, a moment before the engine tells the observers.
    /// </summary>
    private static async Task<string> ScrapeUntilAsync(TestHost host, string metric, double atLeast)
    {
        for (int i = 0; ; i++)
        {
            string text = await host.Client.GetStringAsync("/metrics");
            if (PrometheusText.Sum(text, metric) >= atLeast || i == 200)
            {
                return text;
            }

            await Task.Delay(50);
        }
    }

    private static string Wrong(string code) =>
        ((int.Parse(code, CultureInfo.InvariantCulture) + 1) % 10000).ToString("0000", CultureInfo.InvariantCulture);
}
