namespace Durable.Core;

/// <summary>One episode of an orchestrator, handed to an <see cref="IOrchestratorInvoker"/>.</summary>
public sealed class OrchestratorInvocation
{
    /// <summary>Creates the invocation (the engine does this).</summary>
    public OrchestratorInvocation(OrchestrationContext context, Func<Func<Task<object?>>, Task> runEpisodeAsync)
    {
        this.Context = context;
        this.RunEpisodeAsync = runEpisodeAsync;
    }

    /// <summary>The context to bind to the orchestrator's trigger parameter.</summary>
    public OrchestrationContext Context { get; }

    /// <summary>
    /// The engine's replay of this episode. Call it exactly once with a function that starts the user's
    /// orchestrator code synchronously on the calling thread and returns its task (result = output).
    /// The engine calls that function at most once, while it replays ExecutionStarted.
    /// </summary>
    public Func<Func<Task<object?>>, Task> RunEpisodeAsync { get; }
}
