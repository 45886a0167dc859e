using Durable.Core.Client;
using Durable.Core.Serialization;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;

namespace Durable.WebJobs.Presentation;

/// <summary>
/// Presents the engine's status as Durable Functions' status object: payloads as JSON tokens and history formatted as
/// its status API shows it. Shared by the client binding and the HTTP API, so both show an instance alike.
/// </summary>
internal static class DurableStatuses
{
    /// <summary>The engine's status as Durable Functions' status object (enum values are shared).</summary>
    /// <param name="status">The status the engine returned.</param>
    /// <param name="showHistoryOutput">Whether formatted history carries results.</param>
    /// <param name="showInput">Whether formatted history carries inputs.</param>
    public static DurableOrchestrationStatus From(OrchestrationMetadata status, bool showHistoryOutput = false, bool showInput = true) => new()
    {
        Name = status.Name,
        InstanceId = status.InstanceId,
        RuntimeStatus = (OrchestrationRuntimeStatus)(int)status.RuntimeStatus,
        Input = JsonDataConverter.ToToken(status.InputJson),
        Output = JsonDataConverter.ToToken(status.OutputJson),
        CustomStatus = JsonDataConverter.ToToken(status.CustomStatusJson),
        CreatedTime = status.CreatedTime,
        LastUpdatedTime = status.LastUpdatedTime,
        History = status.History is null ? null : HistoryFormatter.Format(status.History, showHistoryOutput, showInput),
    };
}
