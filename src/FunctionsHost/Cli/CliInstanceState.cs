using Durable.Core;
using Durable.Core.Client;
using Durable.Core.Storage;

namespace FunctionsHost.Cli;

/// <summary>The management API's answers to a message for a missing or finished instance, as refusals.</summary>
internal static class CliInstanceState
{
    /// <summary>The status of a running (not finished) instance; refuses an unknown (404) or finished (410) one.</summary>
    public static async Task<OrchestrationMetadata> RequireRunningAsync(DurableClient client, string instanceId, CancellationToken cancellationToken)
    {
        OrchestrationMetadata status = await client.GetStatusAsync(instanceId, showInput: false, cancellationToken: cancellationToken).ConfigureAwait(false)
            ?? throw CliException.NotFound(instanceId);
        return status.RuntimeStatus.IsTerminal() ? throw Finished(instanceId, status.RuntimeStatus.ToString()) : status;
    }

    /// <summary>Turns the store's answer into a refusal unless it accepted the message.</summary>
    public static void ThrowUnlessAccepted(string instanceId, EnqueueResult result)
    {
        if (result == EnqueueResult.NotFound)
        {
            throw CliException.NotFound(instanceId);
        }

        if (result != EnqueueResult.Accepted)
        {
            throw Finished(instanceId, null);
        }
    }

    private static CliException Finished(string instanceId, string? status) => CliException.WrongState(
        StatusCodes.Status410Gone,
        status is null ? $"Instance '{instanceId}' has finished; it takes no more events or operations." : $"Instance '{instanceId}' is {status}; it takes no more events or operations.");
}
