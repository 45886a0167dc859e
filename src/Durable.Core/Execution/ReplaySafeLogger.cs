using Microsoft.Extensions.Logging;

namespace Durable.Core.Execution;

/// <summary>Forwards to a logger only when the orchestration is not replaying, so each line is written once.</summary>
internal sealed class ReplaySafeLogger : ILogger
{
    private readonly ILogger inner;
    private readonly OrchestrationContext context;

    public ReplaySafeLogger(ILogger inner, OrchestrationContext context)
    {
        this.inner = inner;
        this.context = context;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => this.inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => !this.context.IsReplaying && this.inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!this.context.IsReplaying)
        {
            this.inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
