using System.Reflection;
using Durable.Core.Storage;

namespace FunctionsHost.Tests;

/// <summary>
/// A store that, while <see cref="Failing"/> is set, throws <see cref="StoreUnavailableException"/> from every call
/// the HTTP side makes (start, events and the episodes they commit in one write, status, history, queries, purge), as a locked, full or read-only database does;
/// the engine's own work calls go through, so only the requests see the outage. Built as a proxy over a real store,
/// so it follows the store contract as it grows.
/// </summary>
public class UnavailableStore : DispatchProxy
{
    private static readonly HashSet<string> ClientCalls =
    [
        nameof(IOrchestrationStore.CreateInstanceAsync),
        nameof(IOrchestrationStore.CreateLeasedInstanceAsync),
        nameof(IOrchestrationStore.EnqueueMessageAsync),
        nameof(IOrchestrationStore.EnqueueEventAsync),
        nameof(IOrchestrationStore.EnqueueEventLeasedAsync),
        nameof(IOrchestrationStore.EnqueueEventForOwnEpisodeAsync),
        nameof(IOrchestrationStore.CommitIfUnchangedAsync),
        nameof(IOrchestrationStore.GetInstanceAsync),
        nameof(IOrchestrationStore.GetHistoryAsync),
        nameof(IOrchestrationStore.QueryInstancesAsync),
        nameof(IOrchestrationStore.PurgeInstanceAsync),
        nameof(IOrchestrationStore.PurgeInstancesAsync),
    ];

    private IOrchestrationStore inner = null!;

    /// <summary>Gets or sets a value indicating whether client calls fail.</summary>
    public bool Failing { get; set; }

    /// <summary>Gets or sets a value indicating whether the failure is a commit whose outcome is unknown (a connection lost while committing).</summary>
    public bool OutcomeUnknown { get; set; }

    /// <summary>Gets how many calls were refused.</summary>
    public int Refused { get; private set; }

    public static (IOrchestrationStore Store, UnavailableStore Control) Wrap(IOrchestrationStore inner)
    {
        IOrchestrationStore proxy = Create<IOrchestrationStore, UnavailableStore>();
        UnavailableStore control = (UnavailableStore)(object)proxy;
        control.inner = inner;
        return (proxy, control);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (this.Failing && ClientCalls.Contains(targetMethod.Name))
        {
            this.Refused++;
            throw this.OutcomeUnknown
                ? new StoreUnavailableException("connection lost while committing (test outage)") { OutcomeUnknown = true }
                : new StoreUnavailableException("database is locked (test outage)");
        }

        try
        {
            return targetMethod.Invoke(this.inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
