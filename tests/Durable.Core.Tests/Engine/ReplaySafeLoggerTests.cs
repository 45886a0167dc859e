using Microsoft.Extensions.Logging;

namespace Durable.Core.Tests.Engine;

/// <summary>Logging from orchestrator code through the replay-safe logger.</summary>
public sealed class ReplaySafeLoggerTests
{
    [Fact]
    public async Task CreateReplaySafeLogger_ThreeEpisodes_EachLineWrittenOnce()
    {
        // Arrange: the code logs before and after two activities, so early lines are replayed twice.
        CountingLogger sink = new();
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f
            .AddOrchestrator("Chatty", async ctx =>
            {
                ILogger log = ctx.CreateReplaySafeLogger(sink);
                log.LogInformation("start");
                await ctx.CallActivityAsync<int>("Noop", null);
                log.LogInformation("middle");
                await ctx.CallActivityAsync<int>("Noop", null);
                log.LogInformation("end");
                return 0;
            })
            .AddActivity<object, int>("Noop", (_, _) => Task.FromResult(0)));

        // Act
        string id = await harness.Client.StartNewAsync("Chatty", null, null);
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Assert
        Assert.Equal(["start", "middle", "end"], sink.Lines);
    }

    private sealed class CountingLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (this.Lines)
            {
                this.Lines.Add(formatter(state, exception));
            }
        }
    }
}
