namespace Durable.Core.Diagnostics;

/// <summary>
/// Told by the engine when an instance is created and when it finishes, outside the orchestrator (so never on replay):
/// the place for an application's own counters, such as outcomes computed from the output and history.
/// </summary>
/// <remarks>
/// Called on the engine's threads after the change was committed; keep it quick and let nothing escape (an exception
/// is swallowed so the engine is not disturbed). A finish committed by another host is told to that host's observers.
/// While <see cref="OnFinished"/> runs, <see cref="System.Diagnostics.Activity.Current"/> is the final episode's span
/// (when traced), so an observer may tag it.
/// </remarks>
public interface IOrchestrationObserver
{
    /// <summary>An instance was created (committed) by this host's client.</summary>
    /// <param name="name">The orchestrator name.</param>
    /// <param name="instanceId">The instance id.</param>
    void OnStarted(string name, string instanceId);

    /// <summary>An instance reached a terminal status in an episode this host committed.</summary>
    /// <param name="finished">The instance, its final status, output and whole history.</param>
    void OnFinished(OrchestrationFinished finished);
}
