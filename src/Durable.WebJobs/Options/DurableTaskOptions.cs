using Durable.Core;

namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>
/// Settings of the Durable extension: host.json <c>extensions.durableTask</c> (v2 schema), the subset this
/// runtime uses. The host binds them; <c>AddDurableTask(options =&gt; ...)</c> can adjust them.
/// </summary>
public class DurableTaskOptions
{
    /// <summary>The base path of the management API, as in Azure Functions.</summary>
    public const string WebhookPath = "/runtime/webhooks/durabletask";

    /// <summary>Gets or sets the task hub name (default <c>TestHubName</c>, as Durable Functions v2+).</summary>
    public string HubName { get; set; } = "TestHubName";

    /// <summary>Gets or sets the activities run at once by this host (default 10 × cores).</summary>
    public int? MaxConcurrentActivityFunctions { get; set; }

    /// <summary>Gets or sets the orchestrator episodes run at once by this host (default 10 × cores).</summary>
    public int? MaxConcurrentOrchestratorFunctions { get; set; }

    /// <summary>
    /// Gets or sets how many times a work item (an orchestration episode or an activity) is leased before it is given up
    /// on: the orchestration ends Failed, or the activity's task fails, with an error naming the attempts (default 5).
    /// </summary>
    public int? MaxDequeueCount { get; set; }

    /// <summary>
    /// Gets or sets whether an episode runs the activities it schedules itself while an activity slot is free, committing
    /// their results with its own (default true). Off, every activity goes through the activity queue.
    /// </summary>
    public bool? InlineActivities { get; set; }

    /// <summary>
    /// Gets or sets whether an event for an instance waiting on this host runs its episode at once and is stored with its
    /// commit, in one write (default true). Off, the event is stored and its episode leased like any other.
    /// </summary>
    public bool? OneWriteEvents { get; set; }

    /// <summary>
    /// Gets or sets the cap of the idle fallback poll (host.json <c>storageProvider.maxPollingInterval</c>, e.g.
    /// <c>"00:00:05"</c>). Null: 5 s on a store that notifies of new work (PostgreSQL), 1 s otherwise.
    /// </summary>
    public TimeSpan? MaxPollingInterval { get; set; }

    /// <summary>
    /// Gets or sets the storage provider settings (<c>type</c>, <c>connectionStringName</c>, ...). The host picks
    /// the store from them; the extension only reads the connection name shown in management links.
    /// </summary>
    public IDictionary<string, object?> StorageProvider { get; set; } = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets a function returning the webhook URL of the management API, including the system key as
    /// <c>?code=</c> (e.g. <c>http://localhost:7071/runtime/webhooks/durabletask?code=...</c>). Links created
    /// without a request (<see cref="IDurableOrchestrationClient.CreateHttpManagementPayload"/>) use its authority.
    /// Default: <c>http://localhost:7071/runtime/webhooks/durabletask</c>.
    /// </summary>
    public Func<Uri>? WebhookUriProviderOverride { get; set; }

    /// <summary>Gets or sets extra engine tuning applied after the settings above (lease, polling, shutdown).</summary>
    public Action<DurableEngineOptions>? ConfigureEngine { get; set; }

    /// <summary>
    /// The connection name shown in management links: <c>storageProvider.connectionName</c>, else
    /// <c>connectionStringName</c>, else <c>Storage</c> (the Azure Storage default, as in the sample's links).
    /// </summary>
    internal string DefaultConnectionName =>
        this.ReadStorageSetting("connectionName") ?? this.ReadStorageSetting("connectionStringName") ?? "Storage";

    /// <summary>The engine options these settings stand for.</summary>
    internal DurableEngineOptions ToEngineOptions()
    {
        DurableEngineOptions engine = new() { HubName = this.HubName };
        if (this.MaxConcurrentActivityFunctions is int activities)
        {
            engine.MaxConcurrentActivityFunctions = activities;
        }

        if (this.MaxConcurrentOrchestratorFunctions is int orchestrators)
        {
            engine.MaxConcurrentOrchestratorFunctions = orchestrators;
        }

        if (this.MaxDequeueCount is int maxDequeueCount)
        {
            engine.MaxDequeueCount = maxDequeueCount;
        }

        if (this.MaxPollingInterval is TimeSpan maxPollingInterval)
        {
            engine.MaxPollingInterval = maxPollingInterval;
        }

        if (this.InlineActivities is bool inlineActivities)
        {
            engine.InlineActivities = inlineActivities;
        }

        if (this.OneWriteEvents is bool oneWriteEvents)
        {
            engine.OneWriteEvents = oneWriteEvents;
        }

        this.ConfigureEngine?.Invoke(engine);
        return engine;
    }

    private string? ReadStorageSetting(string name) =>
        this.StorageProvider.TryGetValue(name, out object? value) && value?.ToString() is { Length: > 0 } text ? text : null;
}
