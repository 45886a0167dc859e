using Microsoft.Extensions.Logging;

namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>Extension methods on the orchestration context (as Durable Functions' <c>DurableContextExtensions</c>).</summary>
public static class DurableContextExtensions
{
    /// <summary>Returns a logger that writes only when the orchestration is not replaying, so each line appears once.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="logger">The logger to wrap, e.g. the function's <see cref="ILogger"/> parameter.</param>
    /// <returns>A replay-safe logger.</returns>
    public static ILogger CreateReplaySafeLogger(this IDurableOrchestrationContext context, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(logger);
        return context is Durable.WebJobs.ContextImplementations.OrchestrationContextAdapter adapter
            ? adapter.Inner.CreateReplaySafeLogger(logger)
            : new Durable.Core.ReplaySafeLogger(logger, () => context.IsReplaying);
    }
}
