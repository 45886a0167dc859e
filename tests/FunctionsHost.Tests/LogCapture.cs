using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FunctionsHost.Tests;

/// <summary>
/// Keeps every log entry of a host (all categories, all levels the host's filters let through). Its provider alias,
/// <c>Capture</c>, takes provider-specific settings as Console does (<c>Logging:Capture:LogLevel:Default</c>).
/// </summary>
[ProviderAlias("Capture")]
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> entries = new();

    public IReadOnlyList<Entry> Entries => [.. this.entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this.entries);

    public void Dispose()
    {
    }

    /// <summary>One log entry: category, level, formatted message and the exception's full text.</summary>
    public sealed record Entry(string Category, LogLevel Level, string Message, string? Exception)
    {
        public override string ToString() => $"{this.Level} {this.Category}: {this.Message} {this.Exception}";
    }

    private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // Structured values too: a secret in a parameter that the message template does not show still counts.
            string values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => p.Value)) : string.Empty;
            entries.Enqueue(new Entry(category, logLevel, formatter(state, exception) + " | " + values, exception?.ToString()));
        }
    }
}
