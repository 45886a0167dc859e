using System.Reflection;
using Durable.Core.Storage;

namespace FunctionsHost.Tests;

/// <summary>A store that counts the histories read through <see cref="IOrchestrationStore.GetHistoryAsync"/> and passes everything on.</summary>
public class HistoryReadCounter : DispatchProxy
{
    private IOrchestrationStore inner = null!;
    private int reads;

    /// <summary>Gets how many histories were read.</summary>
    public int Reads => Volatile.Read(ref this.reads);

    public static (IOrchestrationStore Store, HistoryReadCounter Counter) Wrap(IOrchestrationStore inner)
    {
        IOrchestrationStore proxy = Create<IOrchestrationStore, HistoryReadCounter>();
        HistoryReadCounter counter = (HistoryReadCounter)(object)proxy;
        counter.inner = inner;
        return (proxy, counter);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IOrchestrationStore.GetHistoryAsync))
        {
            Interlocked.Increment(ref this.reads);
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
