namespace Durable.Core;

/// <summary>Runs orchestrator functions for the engine; the WebJobs layer implements it over the JobHost.</summary>
public interface IOrchestratorInvoker
{
    /// <summary>True when an orchestrator with this name exists (case-insensitive).</summary>
    bool IsOrchestrator(string name);

    /// <summary>Runs one episode: must call <see cref="OrchestratorInvocation.RunEpisodeAsync"/> exactly once.</summary>
    Task InvokeAsync(OrchestratorInvocation invocation, CancellationToken cancellationToken);
}
