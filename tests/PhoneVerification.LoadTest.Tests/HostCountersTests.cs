using PhoneVerification.LoadTest;

namespace PhoneVerification.LoadTest.Tests;

/// <summary>Reading a host's share of the work from its Prometheus text, and moving a link to another host.</summary>
public sealed class HostCountersTests
{
    [Fact]
    public void Parse_PrometheusText_SumsCommittedEpisodesCompletedActivitiesAndStarts()
    {
        // Arrange: the exporter's shape; other results, buckets and metrics must not count.
        const string Text = """
            # TYPE durable_episode_duration_seconds histogram
            durable_episode_duration_seconds_bucket{durable_function_name="E4_SmsPhoneVerification",result="committed",le="0.005"} 300 1765000000000
            durable_episode_duration_seconds_count{durable_function_name="E4_SmsPhoneVerification",result="committed"} 411 1765000000000
            durable_episode_duration_seconds_count{durable_function_name="Other",result="committed"} 9 1765000000000
            durable_episode_duration_seconds_count{durable_function_name="E4_SmsPhoneVerification",result="abandoned"} 5 1765000000000
            durable_activity_duration_seconds_count{durable_function_name="E4_SendSmsChallenge",result="completed"} 200
            durable_activity_duration_seconds_count{durable_function_name="E4_SendSmsChallenge",result="failed"} 3
            durable_orchestrations_started_total{durable_function_name="E4_SmsPhoneVerification"} 1.5e2 1765000000000
            phoneverification_verifications_started_total 150
            """;

        // Act
        HostCounters counters = HostCounters.Parse(Text);

        // Assert
        Assert.Equal(new HostCounters(420, 200, 150), counters);
        Assert.Equal(new HostCounters(20, 0, 50), counters.Minus(new HostCounters(400, 200, 100)));
    }

    [Fact]
    public void OnHost_StatusLink_KeepsPathAndQueryOnTheOtherHost()
    {
        // Act
        Uri moved = VerificationFlow.OnHost(
            new Uri("http://127.0.0.1:7071/runtime/webhooks/durabletask/instances/abc?taskHub=H&code=k"),
            new Uri("http://127.0.0.1:7072/"));

        // Assert
        Assert.Equal("http://127.0.0.1:7072/runtime/webhooks/durabletask/instances/abc?taskHub=H&code=k", moved.ToString());
    }
}
