namespace Durable.WebJobs;

/// <summary>
/// What this runtime tells an activity beyond Durable Functions' <c>IDurableActivityContext</c>: which attempt this is
/// and which scheduled call it serves. The activity context implements it; read it with
/// <see cref="DurableActivityContextExtensions.GetAttempt"/> and <see cref="DurableActivityContextExtensions.GetInvocationId"/>,
/// which also work (with first-attempt defaults) on contexts that do not implement it, such as test doubles.
/// </summary>
/// <remarks>
/// Kept off <c>IDurableActivityContext</c> so that interface keeps exactly Microsoft's shape (Name, InstanceId,
/// GetInput): Azure's Durable Functions has no attempt count, activities there are at-least-once as well.
/// </remarks>
public interface IDurableActivityInvocation
{
    /// <summary>
    /// Gets the attempt: 1 on the first run; higher when an earlier run of the same call was cut off (its host process
    /// was killed or stopped, or it lost its lease) before its result was stored, so its side effects may have happened.
    /// </summary>
    int Attempt { get; }

    /// <summary>Gets an id that is the same for every attempt of this call and differs for every other call.</summary>
    string InvocationId { get; }
}
