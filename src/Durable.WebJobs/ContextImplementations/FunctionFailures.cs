using Durable.Core;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;

namespace Durable.WebJobs.ContextImplementations;

/// <summary>Turns the engine's record of a failed call into the exception Durable Functions code expects.</summary>
internal static class FunctionFailures
{
    /// <summary>A <see cref="FunctionFailedException"/> worded as Durable Functions words it, with the engine's exception inside.</summary>
    /// <param name="failure">The failure recorded in history.</param>
    /// <param name="kind">"activity" or "orchestrator".</param>
    public static FunctionFailedException Wrap(TaskFailedException failure, string kind) =>
        new($"The {kind} function '{failure.FunctionName}' failed: \"{failure.Reason}\". See the function execution logs for additional details.", failure);

    /// <summary>Awaits <paramref name="task"/> and rethrows an engine failure as <see cref="FunctionFailedException"/>.</summary>
    /// <remarks>
    /// The await resumes on the orchestrator's synchronization context (no ConfigureAwait(false)), so the
    /// continuation stays on the replay thread and the engine sees it complete within the episode.
    /// </remarks>
    public static async Task<T> Translate<T>(Task<T> task, string kind)
    {
        try
        {
            return await task;
        }
        catch (TaskFailedException failure)
        {
            throw Wrap(failure, kind);
        }
    }
}
