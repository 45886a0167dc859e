using Newtonsoft.Json;

namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>The management links of an instance (as Durable Functions' <c>HttpManagementPayload</c>).</summary>
public class HttpManagementPayload
{
    /// <summary>Gets the instance id.</summary>
    [JsonProperty("id")]
    public string Id { get; internal set; } = string.Empty;

    /// <summary>Gets the status query URL (GET).</summary>
    [JsonProperty("statusQueryGetUri")]
    public string StatusQueryGetUri { get; internal set; } = string.Empty;

    /// <summary>Gets the raise-event URL (POST) with the literal placeholder <c>{eventName}</c>.</summary>
    [JsonProperty("sendEventPostUri")]
    public string SendEventPostUri { get; internal set; } = string.Empty;

    /// <summary>Gets the terminate URL (POST) with the literal placeholder <c>{text}</c>.</summary>
    [JsonProperty("terminatePostUri")]
    public string TerminatePostUri { get; internal set; } = string.Empty;

    /// <summary>Gets the rewind URL (POST) with the literal placeholder <c>{text}</c>; rewind is not supported by this runtime.</summary>
    [JsonProperty("rewindPostUri")]
    public string RewindPostUri { get; internal set; } = string.Empty;

    /// <summary>Gets the purge-history URL (DELETE).</summary>
    [JsonProperty("purgeHistoryDeleteUri")]
    public string PurgeHistoryDeleteUri { get; internal set; } = string.Empty;

    /// <summary>Gets the restart URL (POST).</summary>
    [JsonProperty("restartPostUri")]
    public string RestartPostUri { get; internal set; } = string.Empty;

    /// <summary>Gets the suspend URL (POST) with the literal placeholder <c>{text}</c>.</summary>
    [JsonProperty("suspendPostUri")]
    public string SuspendPostUri { get; internal set; } = string.Empty;

    /// <summary>Gets the resume URL (POST) with the literal placeholder <c>{text}</c>.</summary>
    [JsonProperty("resumePostUri")]
    public string ResumePostUri { get; internal set; } = string.Empty;
}
