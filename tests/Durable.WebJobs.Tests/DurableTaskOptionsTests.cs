using Durable.Core;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;

namespace Durable.WebJobs.Tests;

/// <summary>host.json <c>extensions.durableTask</c> settings reach the engine.</summary>
public sealed class DurableTaskOptionsTests
{
    [Fact]
    public void ToEngineOptions_MaxDequeueCountSet_EngineGivesUpAfterThatMany()
    {
        DurableTaskOptions options = new() { HubName = "Hub", MaxDequeueCount = 3 };

        DurableEngineOptions engine = options.ToEngineOptions();

        Assert.Equal(3, engine.MaxDequeueCount);
    }

    [Fact]
    public void ToEngineOptions_MaxDequeueCountUnset_EngineDefaultOfFive()
    {
        Assert.Equal(5, new DurableTaskOptions().ToEngineOptions().MaxDequeueCount);
    }

    [Fact]
    public void Validate_MaxDequeueCountZero_ThrowsNamingTheSetting()
    {
        DurableEngineOptions engine = new DurableTaskOptions { MaxDequeueCount = 0 }.ToEngineOptions();

        ArgumentException error = Assert.Throws<ArgumentException>(engine.Validate);

        Assert.Contains("maxDequeueCount", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToEngineOptions_MaxPollingIntervalSet_ReachesTheEngine()
    {
        DurableEngineOptions engine = new DurableTaskOptions { MaxPollingInterval = TimeSpan.FromSeconds(7) }.ToEngineOptions();

        Assert.Equal(TimeSpan.FromSeconds(7), engine.MaxPollingInterval);
    }

    [Fact]
    public void ToEngineOptions_MaxPollingIntervalUnset_EngineChoosesByStore()
    {
        Assert.Null(new DurableTaskOptions().ToEngineOptions().MaxPollingInterval);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(false, false)]
    public void ToEngineOptions_InlineActivitiesAndOneWriteEvents_ReachTheEngineAndDefaultToOn(bool? setting, bool expected)
    {
        Assert.Equal(expected, new DurableTaskOptions { InlineActivities = setting }.ToEngineOptions().InlineActivities);
        Assert.Equal(expected, new DurableTaskOptions { OneWriteEvents = setting }.ToEngineOptions().OneWriteEvents);
    }
}
