using Microsoft.Extensions.Logging;

namespace Durable.Core;

/// <summary>Forwards to a logger only when the orchestration is not replaying, so each line is written once.</summary>
public sealed class ReplaySafeLogger : ILogger
{
    private readonly ILogger inner;
    private readonly Func<bool> isReplaying;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="isReplaying"/> is asked at every write.</summary>
    public ReplaySafeLogger(ILogger inner, Func<bool> isReplaying)
    {
        this.inner = inner;
        this.isReplaying = isReplaying;
    }

    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => this.inner.BeginScope(state);

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => !this.isReplaying() && this.inner.IsEnabled(logLevel);

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!this.isReplaying())
        {
            this.inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
