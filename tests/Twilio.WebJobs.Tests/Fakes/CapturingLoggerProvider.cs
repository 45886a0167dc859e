using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Twilio.WebJobs.Tests.Fakes;

/// <summary>Keeps every log line, at every level, with its exception text, so tests can search them.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, this.Lines);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string text = $"{logLevel} {category}: {formatter(state, exception)}";
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                // Structured values too: a sink that stores properties must not receive a secret either.
                text += " | " + string.Join("; ", values.Select(pair => $"{pair.Key}={pair.Value}"));
            }

            lines.Enqueue(exception is null ? text : $"{text}{Environment.NewLine}{exception}");
        }
    }
}
