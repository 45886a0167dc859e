using Durable.Core;
using Durable.Core.Client;
using Durable.Core.Storage;
using Durable.WebJobs.Hosting;
using Durable.WebJobs.Http;
using Durable.WebJobs.Presentation;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;

namespace Durable.WebJobs.ContextImplementations;

/// <summary>The Durable Functions client over the engine's client; what <c>[DurableClient]</c> binds.</summary>
internal sealed partial class DurableClientAdapter : IDurableClient
{
    private readonly DurableEngineHost host;
    private readonly HttpManagementLinks links;
    private readonly string? connectionName;

    public DurableClientAdapter(DurableEngineHost host, HttpManagementLinks links, string? connectionName)
    {
        this.host = host;
        this.links = links;
        this.connectionName = connectionName;
    }

    public string TaskHubName => this.host.Options.HubName;

    public Task<string> StartNewAsync(string orchestratorFunctionName, string? instanceId = null) =>
        this.StartNewAsync<object?>(orchestratorFunctionName, instanceId, null);

    public Task<string> StartNewAsync<T>(string orchestratorFunctionName, T input) =>
        this.StartNewAsync(orchestratorFunctionName, null, input);

    public async Task<string> StartNewAsync<T>(string orchestratorFunctionName, string? instanceId, T input)
    {
        DurableClient client = await this.ClientAsync(default).ConfigureAwait(false);
        return await client.StartNewAsync(orchestratorFunctionName, instanceId, input).ConfigureAwait(false);
    }

    public async Task RaiseEventAsync(string instanceId, string eventName, object? eventData = null)
    {
        DurableClient client = await this.ClientAsync(default).ConfigureAwait(false);
        Check(await client.RaiseEventAsync(instanceId, eventName, eventData).ConfigureAwait(false), instanceId, "raise an event to");
    }

    public Task RaiseEventAsync(string taskHubName, string instanceId, string eventName, object? eventData, string? connectionName = null)
    {
        if (!string.Equals(taskHubName, this.TaskHubName, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"This host serves only the task hub '{this.TaskHubName}', not '{taskHubName}'.", nameof(taskHubName));
        }

        return this.RaiseEventAsync(instanceId, eventName, eventData);
    }

    public async Task TerminateAsync(string instanceId, string? reason)
    {
        DurableClient client = await this.ClientAsync(default).ConfigureAwait(false);
        Check(await client.TerminateAsync(instanceId, reason).ConfigureAwait(false), instanceId, "terminate");
    }

    public async Task RewindAsync(string instanceId, string? reason)
    {
        DurableClient client = await this.ClientAsync(default).ConfigureAwait(false);
        EnqueueResult result = await client.RewindAsync(instanceId, reason).ConfigureAwait(false);
        if (result == EnqueueResult.Gone)
        {
            // Durable Functions' words for a finished instance that did not fail.
            throw new InvalidOperationException("The rewind operation is only supported on failed orchestration instances.");
        }

        Check(result, instanceId, "rewind");
    }

    public async Task SuspendAsync(string instanceId, string? reason)
    {
        DurableClient client = await this.ClientAsync(default).ConfigureAwait(false);
        Check(await client.SuspendAsync(instanceId, reason).ConfigureAwait(false), instanceId, "suspend");
    }

    public async Task ResumeAsync(string instanceId, string? reason)
    {
        DurableClient client = await this.ClientAsync(default).ConfigureAwait(false);
        Check(await client.ResumeAsync(instanceId, reason).ConfigureAwait(false), instanceId, "resume");
    }

    public async Task<DurableOrchestrationStatus?> GetStatusAsync(string instanceId, bool showHistory = false, bool showHistoryOutput = false, bool showInput = true)
    {
        DurableClient client = await this.ClientAsync(default).ConfigureAwait(false);
        OrchestrationMetadata? status = await client.GetStatusAsync(instanceId, showHistory, showInput).ConfigureAwait(false);
        return status is null ? null : DurableStatuses.From(status, showHistoryOutput, showInput);
    }

    public async Task<IList<DurableOrchestrationStatus>> GetStatusAsync(IEnumerable<string> instanceIds, bool showHistory = false, bool showHistoryOutput = false, bool showInput = false)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        List<DurableOrchestrationStatus> result = [];
        foreach (string instanceId in instanceIds)
        {
            if (await this.GetStatusAsync(instanceId, showHistory, showHistoryOutput, showInput).ConfigureAwait(false) is { } status)
            {
                result.Add(status);
            }
        }

        return result;
    }

    public async Task<IList<DurableOrchestrationStatus>> GetStatusAsync(DateTime? createdTimeFrom = null, DateTime? createdTimeTo = null, IEnumerable<OrchestrationRuntimeStatus>? runtimeStatus = null, CancellationToken cancellationToken = default)
    {
        OrchestrationStatusQueryCondition condition = new()
        {
            CreatedTimeFrom = createdTimeFrom ?? default,
            CreatedTimeTo = createdTimeTo ?? default,
            RuntimeStatus = runtimeStatus,
        };

        List<DurableOrchestrationStatus> result = [];
        do
        {
            OrchestrationStatusQueryResult page = await this.ListInstancesAsync(condition, cancellationToken).ConfigureAwait(false);
            result.AddRange(page.DurableOrchestrationState);
            condition.ContinuationToken = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(condition.ContinuationToken));

        return result;
    }

    public Task<OrchestrationStatusQueryResult> GetStatusAsync(OrchestrationStatusQueryCondition condition, CancellationToken cancellationToken) =>
        this.ListInstancesAsync(condition, cancellationToken);

    public async Task<OrchestrationStatusQueryResult> ListInstancesAsync(OrchestrationStatusQueryCondition condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (condition.TaskHubNames?.Any() == true && !condition.TaskHubNames.Contains(this.TaskHubName, StringComparer.OrdinalIgnoreCase))
        {
            return new OrchestrationStatusQueryResult();
        }

        InstanceQuery query = new()
        {
            Statuses = condition.RuntimeStatus?.Select(s => (Durable.Core.OrchestrationStatus)(int)s).ToArray(),
            CreatedFrom = ToUtc(condition.CreatedTimeFrom),
            CreatedTo = ToUtc(condition.CreatedTimeTo),
            InstanceIdPrefix = string.IsNullOrEmpty(condition.InstanceIdPrefix) ? null : condition.InstanceIdPrefix,
            PageSize = condition.PageSize > 0 ? condition.PageSize : 100,
            ContinuationToken = string.IsNullOrEmpty(condition.ContinuationToken) ? null : condition.ContinuationToken,
        };

        DurableClient client = await this.ClientAsync(cancellationToken).ConfigureAwait(false);
        OrchestrationMetadataPage page = await client.ListInstancesAsync(query, condition.ShowInput, cancellationToken).ConfigureAwait(false);
        return new OrchestrationStatusQueryResult
        {
            DurableOrchestrationState = [.. page.Instances.Select(s => DurableStatuses.From(s))],
            ContinuationToken = page.ContinuationToken,
        };
    }

    public async Task<PurgeHistoryResult> PurgeInstanceHistoryAsync(string instanceId)
    {
        DurableClient client = await this.ClientAsync(default).ConfigureAwait(false);
        return new PurgeHistoryResult(await client.PurgeInstanceAsync(instanceId).ConfigureAwait(false));
    }

    public async Task<PurgeHistoryResult> PurgeInstanceHistoryAsync(IEnumerable<string> instanceIds)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        DurableClient client = await this.ClientAsync(default).ConfigureAwait(false);
        int deleted = 0;
        foreach (string instanceId in instanceIds)
        {
            deleted += await client.PurgeInstanceAsync(instanceId).ConfigureAwait(false);
        }

        return new PurgeHistoryResult(deleted);
    }

    public async Task<string> RestartAsync(string instanceId, bool restartWithNewInstanceId = true)
    {
        DurableOrchestrationStatus status = await this.GetStatusAsync(instanceId, showInput: true).ConfigureAwait(false)
            ?? throw new ArgumentException($"An orchestration with the instanceId {instanceId} was not found.", nameof(instanceId));
        return await this.StartNewAsync(status.Name, restartWithNewInstanceId ? null : instanceId, status.Input).ConfigureAwait(false);
    }

    private static DateTimeOffset? ToUtc(DateTime time) => time == default || time == DateTime.MaxValue
        ? null
        : new DateTimeOffset(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime());

    // Durable Functions' client throws for these (Azure Storage provider): unknown id → ArgumentException, finished → InvalidOperationException.
    private static void Check(EnqueueResult result, string instanceId, string operation)
    {
        switch (result)
        {
            case EnqueueResult.NotFound:
                throw new ArgumentException($"No instance with ID '{instanceId}' was found.", nameof(instanceId));
            case EnqueueResult.Gone:
                throw new InvalidOperationException($"Cannot {operation} the instance '{instanceId}' because it has finished.");
        }
    }

    private Task<DurableClient> ClientAsync(CancellationToken cancellationToken) => this.host.GetClientAsync(cancellationToken);
}
