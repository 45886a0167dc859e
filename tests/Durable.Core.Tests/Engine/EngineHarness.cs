using Durable.Core;
using Durable.Core.Client;
using Durable.Core.Storage;
using Durable.Core.Storage.InMemory;
using Durable.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Durable.Core.Tests.Engine;

/// <summary>
/// A started engine on a fake clock, with functions registered by the test. Waits are bounded by real
/// time (10 s) and satisfied by polling the store, never by sleeping a fixed duration.
/// </summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    private EngineHarness(FakeTimeProvider time, IOrchestrationStore store, FunctionRegistry functions, DurableEngine engine)
    {
        this.Time = time;
        this.Store = store;
        this.Functions = functions;
        this.Engine = engine;
    }

    public FakeTimeProvider Time { get; }

    public IOrchestrationStore Store { get; }

    public FunctionRegistry Functions { get; }

    public DurableEngine Engine { get; }

    public DurableClient Client => this.Engine.Client;

    public static Task<EngineHarness> StartAsync(Action<FunctionRegistry> register, FakeTimeProvider? time = null) =>
        StartAsync(register, t => new InMemoryOrchestrationStore(t), time);

    public static async Task<EngineHarness> StartAsync(
        Action<FunctionRegistry> register,
        Func<TimeProvider, IOrchestrationStore> createStore,
        FakeTimeProvider? time = null,
        bool startEngine = true,
        Action<DurableEngineOptions>? configure = null,
        Func<FunctionRegistry, IOrchestratorInvoker>? orchestrators = null,
        Func<FunctionRegistry, IActivityInvoker>? activities = null,
        Diagnostics.DurableTelemetry? telemetry = null)
    {
        time ??= new FakeTimeProvider();
        FunctionRegistry functions = new();
        register(functions);
        IOrchestrationStore store = createStore(time);
        DurableEngineOptions options = new() { MaxPollingInterval = TimeSpan.FromSeconds(1) };
        configure?.Invoke(options);
        DurableEngine engine = new(store, orchestrators?.Invoke(functions) ?? functions, activities?.Invoke(functions) ?? functions, options, time, NullLoggerFactory.Instance, telemetry);
        if (startEngine)
        {
            await engine.StartAsync(CancellationToken.None);
        }
        else
        {
            // The client works on an initialized store even while the dispatchers are not running.
            await store.InitializeAsync(CancellationToken.None);
        }

        return new EngineHarness(time, store, functions, engine);
    }

    /// <summary>Waits until the instance's status satisfies <paramref name="condition"/>.</summary>
    public async Task<OrchestrationMetadata> WaitForAsync(string instanceId, Func<OrchestrationMetadata, bool> condition, string what)
    {
        using CancellationTokenSource limit = new(WaitLimit);
        OrchestrationMetadata? last = null;
        while (!limit.IsCancellationRequested)
        {
            last = await this.Client.GetStatusAsync(instanceId, showHistory: true);
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(5, CancellationToken.None);
        }

        throw new TimeoutException($"Instance '{instanceId}' did not become {what} within {WaitLimit}; last status {last?.RuntimeStatus}, output {last?.Output}, history {last?.History}.");
    }

    public Task<OrchestrationMetadata> WaitForStatusAsync(string instanceId, OrchestrationStatus status) =>
        this.WaitForAsync(instanceId, s => s.RuntimeStatus == status, status.ToString());

    /// <summary>Waits until the instance has recorded a history event of the given kind at least <paramref name="count"/> times.</summary>
    public Task<OrchestrationMetadata> WaitForHistoryAsync(string instanceId, string eventType, int count = 1) =>
        this.WaitForAsync(
            instanceId,
            s => s.History is not null && s.History.Count(e => e.EventType.ToString() == eventType) >= count,
            $"holding {count} {eventType} event(s)");

    /// <summary>Waits until no episode runs on this engine (one just committed may still be finishing its bookkeeping).</summary>
    public async Task WaitForNoEpisodeAsync()
    {
        using CancellationTokenSource limit = new(WaitLimit);
        while (this.Engine.EpisodesRunning > 0)
        {
            await Task.Delay(5, limit.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await this.Engine.DisposeAsync();
        await this.Store.DisposeAsync();
    }
}
