using System.Net.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>
/// Starts, queries and controls orchestration instances: the members, names and signatures of Durable Functions'
/// <c>IDurableOrchestrationClient</c> that this runtime supports. Bind it with <c>[DurableClient]</c>.
/// </summary>
public interface IDurableOrchestrationClient
{
    /// <summary>Gets the name of the task hub this client works on.</summary>
    string TaskHubName { get; }

    /// <summary>Creates the 202 check-status response for <paramref name="instanceId"/> (links built from the request's host).</summary>
    /// <param name="request">The HTTP request that started the instance.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="returnInternalServerErrorOnFailure">Whether the status link asks for 500 when the instance failed.</param>
    /// <returns>A 202 response with <c>Location</c>, <c>Retry-After</c> and the management links.</returns>
    HttpResponseMessage CreateCheckStatusResponse(HttpRequestMessage request, string instanceId, bool returnInternalServerErrorOnFailure = false);

    /// <summary>Creates the 202 check-status response for <paramref name="instanceId"/> (links built from the request's host).</summary>
    /// <param name="request">The HTTP request that started the instance.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="returnInternalServerErrorOnFailure">Whether the status link asks for 500 when the instance failed.</param>
    /// <returns>A 202 result with <c>Location</c>, <c>Retry-After</c> and the management links.</returns>
    IActionResult CreateCheckStatusResponse(HttpRequest request, string instanceId, bool returnInternalServerErrorOnFailure = false);

    /// <summary>Creates the management links of an instance, built from the host's webhook URL.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <returns>The links.</returns>
    HttpManagementPayload CreateHttpManagementPayload(string instanceId);

    /// <summary>
    /// Waits up to <paramref name="timeout"/> (default 10 s) for the instance to finish: its output with 200 when it
    /// completed, its status when it failed or was terminated, else the 202 check-status response.
    /// </summary>
    /// <param name="request">The HTTP request.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="timeout">Total wait (default 10 s).</param>
    /// <param name="retryInterval">Polling interval (default 1 s; must not exceed <paramref name="timeout"/>).</param>
    /// <param name="returnInternalServerErrorOnFailure">Whether a failed instance gives 500.</param>
    /// <returns>The response.</returns>
    Task<HttpResponseMessage> WaitForCompletionOrCreateCheckStatusResponseAsync(HttpRequestMessage request, string instanceId, TimeSpan? timeout = null, TimeSpan? retryInterval = null, bool returnInternalServerErrorOnFailure = false);

    /// <summary>
    /// Waits up to <paramref name="timeout"/> (default 10 s) for the instance to finish: its output with 200 when it
    /// completed, its status when it failed or was terminated, else the 202 check-status response.
    /// </summary>
    /// <param name="request">The HTTP request.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="timeout">Total wait (default 10 s).</param>
    /// <param name="retryInterval">Polling interval (default 1 s; must not exceed <paramref name="timeout"/>).</param>
    /// <param name="returnInternalServerErrorOnFailure">Whether a failed instance gives 500.</param>
    /// <returns>The result.</returns>
    Task<IActionResult> WaitForCompletionOrCreateCheckStatusResponseAsync(HttpRequest request, string instanceId, TimeSpan? timeout = null, TimeSpan? retryInterval = null, bool returnInternalServerErrorOnFailure = false);

    /// <summary>Starts a new instance of an orchestrator without input.</summary>
    /// <param name="orchestratorFunctionName">The orchestrator function.</param>
    /// <param name="instanceId">The instance id, or null for a new GUID.</param>
    /// <returns>The instance id.</returns>
    /// <exception cref="ArgumentException">Unknown orchestrator or invalid instance id.</exception>
    /// <exception cref="InvalidOperationException">An unfinished instance with that id exists.</exception>
    Task<string> StartNewAsync(string orchestratorFunctionName, string? instanceId = null);

    /// <summary>Starts a new instance of an orchestrator with input and a new id.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <param name="orchestratorFunctionName">The orchestrator function.</param>
    /// <param name="input">The JSON-serializable input.</param>
    /// <returns>The instance id.</returns>
    /// <exception cref="ArgumentException">Unknown orchestrator.</exception>
    Task<string> StartNewAsync<T>(string orchestratorFunctionName, T input);

    /// <summary>Starts a new instance of an orchestrator with input.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <param name="orchestratorFunctionName">The orchestrator function.</param>
    /// <param name="instanceId">The instance id, or null/empty for a new GUID.</param>
    /// <param name="input">The JSON-serializable input.</param>
    /// <returns>The instance id.</returns>
    /// <exception cref="ArgumentException">Unknown orchestrator or invalid instance id.</exception>
    /// <exception cref="InvalidOperationException">An unfinished instance with that id exists.</exception>
    Task<string> StartNewAsync<T>(string orchestratorFunctionName, string? instanceId, T input);

    /// <summary>Sends an event to an instance.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="eventData">The JSON-serializable payload.</param>
    /// <returns>A task completing when the event is stored.</returns>
    /// <exception cref="ArgumentException">No instance has that id.</exception>
    /// <exception cref="InvalidOperationException">The instance has finished.</exception>
    Task RaiseEventAsync(string instanceId, string eventName, object? eventData = null);

    /// <summary>Sends an event to an instance of a named task hub (only this client's hub is served here).</summary>
    /// <param name="taskHubName">The task hub.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="eventData">The JSON-serializable payload.</param>
    /// <param name="connectionName">The connection name (ignored).</param>
    /// <returns>A task completing when the event is stored.</returns>
    /// <exception cref="ArgumentException">Another task hub, or no instance has that id.</exception>
    Task RaiseEventAsync(string taskHubName, string instanceId, string eventName, object? eventData, string? connectionName = null);

    /// <summary>Terminates a running instance; the reason becomes its output.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="reason">The reason.</param>
    /// <returns>A task completing when the request is stored.</returns>
    Task TerminateAsync(string instanceId, string? reason);

    /// <summary>Suspends a running instance: events are kept until it resumes.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="reason">The reason.</param>
    /// <returns>A task completing when the request is stored.</returns>
    Task SuspendAsync(string instanceId, string? reason);

    /// <summary>Resumes a suspended instance.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="reason">The reason.</param>
    /// <returns>A task completing when the request is stored.</returns>
    Task ResumeAsync(string instanceId, string? reason);

    /// <summary>
    /// Rewinds a Failed instance: its failed steps run again and the rest of its history is kept, as in Durable Functions.
    /// </summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="reason">The reason, recorded in the history's ExecutionRewound event.</param>
    /// <returns>A task completing when the request is stored.</returns>
    /// <exception cref="InvalidOperationException">The instance is not Failed.</exception>
    /// <exception cref="ArgumentException">No instance has that id.</exception>
    Task RewindAsync(string instanceId, string? reason);

    /// <summary>Gets the status of an instance, or null when it does not exist.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="showHistory">Include the history.</param>
    /// <param name="showHistoryOutput">Include activity results in the history.</param>
    /// <param name="showInput">Include the input.</param>
    /// <returns>The status or null.</returns>
    Task<DurableOrchestrationStatus?> GetStatusAsync(string instanceId, bool showHistory = false, bool showHistoryOutput = false, bool showInput = true);

    /// <summary>Gets the statuses of several instances (unknown ids are skipped).</summary>
    /// <param name="instanceIds">The instance ids.</param>
    /// <param name="showHistory">Include the history.</param>
    /// <param name="showHistoryOutput">Include activity results in the history.</param>
    /// <param name="showInput">Include the input.</param>
    /// <returns>The statuses found.</returns>
    Task<IList<DurableOrchestrationStatus>> GetStatusAsync(IEnumerable<string> instanceIds, bool showHistory = false, bool showHistoryOutput = false, bool showInput = false);

    /// <summary>Gets the statuses of all instances matching the filter (every page).</summary>
    /// <param name="createdTimeFrom">Created at or after.</param>
    /// <param name="createdTimeTo">Created at or before.</param>
    /// <param name="runtimeStatus">Only these statuses (null = all).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The statuses.</returns>
    Task<IList<DurableOrchestrationStatus>> GetStatusAsync(DateTime? createdTimeFrom = null, DateTime? createdTimeTo = null, IEnumerable<OrchestrationRuntimeStatus>? runtimeStatus = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes the history of a finished instance.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <returns>How many instances were deleted (0 or 1).</returns>
    Task<PurgeHistoryResult> PurgeInstanceHistoryAsync(string instanceId);

    /// <summary>Deletes the histories of several finished instances.</summary>
    /// <param name="instanceIds">The instance ids.</param>
    /// <returns>How many instances were deleted.</returns>
    Task<PurgeHistoryResult> PurgeInstanceHistoryAsync(IEnumerable<string> instanceIds);

    /// <summary>Gets one page of instance statuses (obsolete name of <see cref="ListInstancesAsync"/>).</summary>
    /// <param name="condition">Filter and page.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The page.</returns>
    Task<OrchestrationStatusQueryResult> GetStatusAsync(OrchestrationStatusQueryCondition condition, CancellationToken cancellationToken);

    /// <summary>Gets one page of instance statuses.</summary>
    /// <param name="condition">Filter and page.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The page and the continuation token of the next one.</returns>
    Task<OrchestrationStatusQueryResult> ListInstancesAsync(OrchestrationStatusQueryCondition condition, CancellationToken cancellationToken);

    /// <summary>Starts the orchestrator of an existing instance again with its original input.</summary>
    /// <param name="instanceId">The instance to restart.</param>
    /// <param name="restartWithNewInstanceId">Use a new instance id (default) or reuse this one.</param>
    /// <returns>The id of the started instance.</returns>
    /// <exception cref="ArgumentException">No instance has that id.</exception>
    Task<string> RestartAsync(string instanceId, bool restartWithNewInstanceId = true);
}
