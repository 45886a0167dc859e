using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Extensions.Logging;

namespace Durable.WebJobs.ContextImplementations;

/// <summary>A logger that drops entries while the context replays (for contexts that are not the engine's, e.g. test doubles).</summary>
internal sealed class ReplaySafeLogger : ILogger
{
    private readonly IDurableOrchestrationContext context;
    private readonly ILogger inner;

    public ReplaySafeLogger(IDurableOrchestrationContext context, ILogger inner)
    {
        this.context = context;
        this.inner = inner;
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
