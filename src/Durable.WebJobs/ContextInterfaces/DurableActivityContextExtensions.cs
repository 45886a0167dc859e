using Microsoft.Azure.WebJobs.Extensions.DurableTask;

namespace Durable.WebJobs;

/// <summary>Reads the attempt and the call id of an activity invocation (see <see cref="IDurableActivityInvocation"/>).</summary>
public static class DurableActivityContextExtensions
{
    /// <summary>The attempt number: 1 on the first run, higher when an earlier run was cut off before its result was stored.</summary>
    /// <param name="context">The activity's context.</param>
    /// <returns>The attempt, or 1 when the context does not say (it is not this runtime's).</returns>
    public static int GetAttempt(this IDurableActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context is IDurableActivityInvocation invocation ? invocation.Attempt : 1;
    }

    /// <summary>An id that is the same for every attempt of this call and differs for every other call.</summary>
    /// <param name="context">The activity's context.</param>
    /// <returns>The id, or <c>instanceId:name</c> when the context does not say.</returns>
    public static string GetInvocationId(this IDurableActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context is IDurableActivityInvocation invocation ? invocation.InvocationId : $"{context.InstanceId}:{context.Name}";
    }
}
