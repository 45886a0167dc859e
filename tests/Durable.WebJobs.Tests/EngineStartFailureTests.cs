using System.Collections.Concurrent;
using Durable.Core.Storage;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moq;

namespace Durable.WebJobs.Tests;

/// <summary>A store that cannot be opened stops the JobHost with that cause, reported once, not with "already started".</summary>
public sealed class EngineStartFailureTests
{
    private const string Cause = "the schema was written by a newer build";

    [Fact]
    public async Task StoreFailsToInitialize_EveryListenerSeesTheCauseAndTheStoreIsOpenedOnce()
    {
        // Arrange: TestFunctions has several durable triggers, so several listeners start the shared engine.
        Mock<IOrchestrationStore> store = new();
        store.Setup(s => s.InitializeAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException(Cause));
        CapturingLoggerProvider logs = new();
        using IHost host = new HostBuilder()
            .ConfigureWebJobs(webJobs => webJobs.AddDurableTask(options => options.HubName = "TestHub"))
            .ConfigureServices(services =>
            {
                services.AddSingleton<ITypeLocator>(new TypeLocator(typeof(TestFunctions)));
                services.AddSingleton(store.Object);
            })
            .ConfigureLogging(logging => logging.AddProvider(logs))
            .Build();
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(30));

        // Act
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(timeout.Token));

        // Assert: one listener reports the cause itself (with its stack trace); the others name it in one line.
        string[] listenerFailures = [.. logs.Messages.Where(m => m.StartsWith("The listener for function", StringComparison.Ordinal))];
        Assert.Contains(Cause, error.ToString(), StringComparison.Ordinal);
        store.Verify(s => s.InitializeAsync(It.IsAny<CancellationToken>()), Times.Once());
        Assert.Single(listenerFailures, m => m.Contains($"---> System.InvalidOperationException: {Cause}", StringComparison.Ordinal));
        Assert.True(listenerFailures.Length > 1, "only one durable listener was started: the test proves nothing about the others");
        Assert.All(
            listenerFailures.Where(m => !m.Contains($"---> System.InvalidOperationException: {Cause}", StringComparison.Ordinal)),
            m => Assert.Contains($"failed to start (InvalidOperationException: {Cause}); fix the cause and restart the host.", m, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains("already started", StringComparison.Ordinal));
    }

    private sealed class TypeLocator(params Type[] types) : ITypeLocator
    {
        public IReadOnlyList<Type> GetTypes() => types;
    }

    /// <summary>Every log line (message and exception) of every category.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this.Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception) + (exception is null ? string.Empty : Environment.NewLine + exception));
        }
    }
}
